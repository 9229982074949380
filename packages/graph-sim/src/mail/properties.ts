import type {
  FileAttachment,
  MailFolder,
  Message,
  Subscription,
  ChangeNotification,
} from '@microsoft/microsoft-graph-types';

/**
 * Every property of Graph v1.0 types, as exhaustive records: a missing or extra key is a compile error,
 * so these runtime lists stay derived from @microsoft/microsoft-graph-types.
 */
const MESSAGE: Record<keyof Message, true> = {
  id: true,
  categories: true,
  changeKey: true,
  createdDateTime: true,
  lastModifiedDateTime: true,
  bccRecipients: true,
  body: true,
  bodyPreview: true,
  ccRecipients: true,
  conversationId: true,
  conversationIndex: true,
  flag: true,
  from: true,
  hasAttachments: true,
  importance: true,
  inferenceClassification: true,
  internetMessageHeaders: true,
  internetMessageId: true,
  isDeliveryReceiptRequested: true,
  isDraft: true,
  isRead: true,
  isReadReceiptRequested: true,
  parentFolderId: true,
  receivedDateTime: true,
  replyTo: true,
  sender: true,
  sentDateTime: true,
  subject: true,
  toRecipients: true,
  uniqueBody: true,
  webLink: true,
  attachments: true,
  extensions: true,
  multiValueExtendedProperties: true,
  singleValueExtendedProperties: true,
};

const FILE_ATTACHMENT: Record<keyof FileAttachment, true> = {
  id: true,
  contentType: true,
  isInline: true,
  lastModifiedDateTime: true,
  name: true,
  size: true,
  contentBytes: true,
  contentId: true,
  contentLocation: true,
};

const MAIL_FOLDER: Record<keyof MailFolder, true> = {
  id: true,
  childFolderCount: true,
  displayName: true,
  isHidden: true,
  parentFolderId: true,
  totalItemCount: true,
  unreadItemCount: true,
  childFolders: true,
  messageRules: true,
  messages: true,
  multiValueExtendedProperties: true,
  singleValueExtendedProperties: true,
};

const SUBSCRIPTION: Record<keyof Subscription, true> = {
  id: true,
  applicationId: true,
  changeType: true,
  clientState: true,
  creatorId: true,
  encryptionCertificate: true,
  encryptionCertificateId: true,
  expirationDateTime: true,
  includeResourceData: true,
  latestSupportedTlsVersion: true,
  lifecycleNotificationUrl: true,
  notificationQueryOptions: true,
  notificationUrl: true,
  notificationUrlAppId: true,
  resource: true,
};

const CHANGE_NOTIFICATION: Record<keyof ChangeNotification, true> = {
  changeType: true,
  clientState: true,
  encryptedContent: true,
  id: true,
  lifecycleEvent: true,
  resource: true,
  resourceData: true,
  subscriptionExpirationDateTime: true,
  subscriptionId: true,
  tenantId: true,
};

export const MESSAGE_PROPERTIES: readonly string[] = Object.keys(MESSAGE);
export const FILE_ATTACHMENT_PROPERTIES: readonly string[] = Object.keys(FILE_ATTACHMENT);
export const MAIL_FOLDER_PROPERTIES: readonly string[] = Object.keys(MAIL_FOLDER);
export const SUBSCRIPTION_PROPERTIES: readonly string[] = Object.keys(SUBSCRIPTION);
export const CHANGE_NOTIFICATION_PROPERTIES: readonly string[] = Object.keys(CHANGE_NOTIFICATION);

const MESSAGE_SET = new Set(MESSAGE_PROPERTIES.map((p) => p.toLowerCase()));
const CANONICAL = new Map(MESSAGE_PROPERTIES.map((p) => [p.toLowerCase(), p]));

export function isMessageProperty(name: string): boolean {
  return MESSAGE_SET.has(name.toLowerCase());
}

/** Graph property names are case-insensitive in query options; answers use the canonical spelling. */
export function canonicalMessageProperty(name: string): string | undefined {
  return CANONICAL.get(name.toLowerCase());
}
