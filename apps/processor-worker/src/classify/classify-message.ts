// Decides whether an e-mail is an invoice candidate (DESIGN section 5) from its metadata only:
// a non-inline attachment of a plausible type, or invoice vocabulary in the subject or body.

import { findInvoiceVocabulary } from './vocabulary';

export interface MessageAttachmentInfo {
  name: string;
  contentType: string | null;
  size: number;
  isInline: boolean;
}

export interface MessageInfo {
  subject: string | null;
  /** Graph's `bodyPreview` or the plain-text body; either or both. */
  bodyPreview?: string | null;
  bodyText?: string | null;
  attachments: MessageAttachmentInfo[];
}

export interface Classification {
  candidate: boolean;
  reason: string;
  /** Names of the attachments worth extracting (plausible document types, not inline). */
  candidateAttachments: string[];
}

const DOCUMENT_EXTENSIONS = /\.(pdf|xml|zip)$/i;
const DOCUMENT_TYPES = new Set([
  'application/pdf',
  'application/x-pdf',
  'application/xml',
  'text/xml',
  'application/zip',
  'application/x-zip-compressed',
  'application/x-zip',
  'multipart/x-zip',
]);
/** Extensions that are never invoice documents, whatever the content type claims. */
const NON_DOCUMENT_EXTENSIONS =
  /\.(ics|vcs|vcf|png|jpe?g|gif|bmp|svg|webp|tiff?|heic|ico|emz|wmz|p7s|eml|msg|htm|html|txt|docx?|xlsx?|pptx?)$/i;

function baseContentType(contentType: string | null): string {
  return (contentType ?? '').split(';')[0]?.trim().toLowerCase() ?? '';
}

/** True when an attachment may hold an invoice document (PDF, XML or ZIP by extension or content type). */
export function isPlausibleDocument(att: MessageAttachmentInfo): boolean {
  if (att.isInline) return false;
  if (NON_DOCUMENT_EXTENSIONS.test(att.name)) return false;
  const type = baseContentType(att.contentType);
  if (type.startsWith('image/') || type === 'text/calendar') return false;
  if (DOCUMENT_EXTENSIONS.test(att.name)) return true;
  if (DOCUMENT_TYPES.has(type) || type.endsWith('+xml')) return true;
  return false;
}

export function classifyMessage(message: MessageInfo): Classification {
  const candidateAttachments = message.attachments.filter(isPlausibleDocument).map((a) => a.name);
  const subjectHits = findInvoiceVocabulary(message.subject ?? '');
  const bodyHits = findInvoiceVocabulary(`${message.bodyPreview ?? ''}\n${message.bodyText ?? ''}`);

  if (candidateAttachments.length > 0) {
    const words = [...subjectHits, ...bodyHits].map((h) => h.term);
    const vocab = words.length > 0 ? `; invoice vocabulary: ${[...new Set(words)].join(', ')}` : '';
    return {
      candidate: true,
      reason: `${candidateAttachments.length} plausible invoice attachment(s): ${candidateAttachments.join(', ')}${vocab}`,
      candidateAttachments,
    };
  }
  if (subjectHits.length > 0 || bodyHits.length > 0) {
    const where = subjectHits.length > 0 ? 'subject' : 'body';
    const words = [...new Set([...subjectHits, ...bodyHits].map((h) => h.term))];
    return {
      candidate: true,
      reason: `invoice vocabulary in the ${where} (${words.join(', ')}), no document attachment`,
      candidateAttachments,
    };
  }
  const skipped = message.attachments.length;
  return {
    candidate: false,
    reason:
      skipped > 0
        ? `no invoice vocabulary and none of ${skipped} attachment(s) is a PDF, XML or ZIP document`
        : 'no invoice vocabulary and no attachments',
    candidateAttachments,
  };
}
