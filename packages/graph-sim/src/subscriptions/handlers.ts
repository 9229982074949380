import { randomUUID } from 'node:crypto';
import type { Subscription } from '@microsoft/microsoft-graph-types';
import type { SimContext } from '../context';
import { json, type GraphHandler, type HandlerInput } from '../graph/types';
import { contextUrl } from '../mail/links';
import { GraphError } from '../util/errors';
import { parseResource } from './resource';
import type { StoredSubscription } from './store';
import { notificationUrlError } from './urls';
import { validateEndpoint } from './validate';

const MAX_MINUTES = 10_080;
const MAX_PER_MAILBOX = 1000;

function bad(message: string, code = 'InvalidRequest'): GraphError {
  return new GraphError(400, code, message);
}

function checkExpiration(raw: unknown): string {
  const t = typeof raw === 'string' ? Date.parse(raw) : NaN;
  if (Number.isNaN(t)) throw bad('expirationDateTime is required and must be a DateTimeOffset.');
  const now = Date.now();
  if (t <= now) throw bad('Subscription expiration can only be in the future.', 'ExtensionError');
  if (t > now + MAX_MINUTES * 60_000 + 60_000)
    throw bad(`Subscription expiration can only be ${MAX_MINUTES} minutes in the future.`, 'ExtensionError');
  return new Date(t).toISOString().replace(/\.\d{3}Z$/, '.0000000Z');
}

function subOf(ctx: SimContext, input: HandlerInput): StoredSubscription {
  const s = ctx.subscriptions.get(input.params.s);
  if (!s || s.appId !== input.caller.appId) throw new GraphError(404, 'ResourceNotFound', `The object was not found.`);
  return s;
}

function subJson(input: HandlerInput, s: StoredSubscription): Subscription & { '@odata.context': string } {
  return { '@odata.context': contextUrl(input.req, 'subscriptions/$entity'), ...s.data };
}

export function createSubscription(ctx: SimContext): GraphHandler {
  return async (input) => {
    const b = (input.req.body ?? {}) as Record<string, unknown>;
    const changeType = typeof b.changeType === 'string' ? b.changeType : '';
    const types = changeType.split(',').map((t) => t.trim());
    if (!changeType || types.some((t) => !['created', 'updated', 'deleted'].includes(t)))
      throw bad("changeType must be a comma-separated list of 'created', 'updated', 'deleted'.");
    const urlErr = notificationUrlError(b.notificationUrl, 'notificationUrl');
    if (urlErr) throw bad(urlErr);
    if (b.lifecycleNotificationUrl !== undefined && b.lifecycleNotificationUrl !== null) {
      const lErr = notificationUrlError(b.lifecycleNotificationUrl, 'lifecycleNotificationUrl');
      if (lErr) throw bad(lErr);
    }
    const res = typeof b.resource === 'string' ? parseResource(b.resource) : null;
    if (!res) throw bad(`Resource '${String(b.resource)}' is not supported.`, 'ExtensionError');
    const userRef = res.user.toLowerCase() === 'me' ? (input.caller.userId ?? '') : res.user;
    const mb = ctx.store.find(userRef);
    if (!mb) throw new GraphError(404, 'ErrorInvalidUser', `The requested user '${res.user}' is invalid.`);
    const folder = res.folder ? mb.folder(res.folder) : undefined;
    if (res.folder && !folder)
      throw new GraphError(404, 'ErrorItemNotFound', 'The specified folder was not found in the store.');
    const expirationDateTime = checkExpiration(b.expirationDateTime);
    if (b.includeResourceData === true && !b.encryptionCertificate)
      throw bad('A subscription with resource data requires encryptionCertificate.');
    if (ctx.subscriptions.forMailbox(mb.id).length >= MAX_PER_MAILBOX)
      throw new GraphError(403, 'ExtensionError', 'Subscription limit reached for this mailbox.');
    const notificationUrl = String(b.notificationUrl);
    const lifecycleNotificationUrl = typeof b.lifecycleNotificationUrl === 'string' ? b.lifecycleNotificationUrl : null;
    for (const url of [notificationUrl, lifecycleNotificationUrl]) {
      if (!url) continue;
      ctx.stats.s.subscriptions.validationsSent++;
      if (!(await validateEndpoint(url))) {
        ctx.stats.s.subscriptions.validationsFailed++;
        throw bad(
          'Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.',
          'ValidationError',
        );
      }
    }
    const s: StoredSubscription = {
      appId: input.caller.appId,
      tenantId: input.caller.tenantId,
      mailboxId: mb.id,
      scope: folder ? folder.id : '*',
      idView: input.view,
      data: {
        id: randomUUID(),
        resource: String(b.resource),
        applicationId: input.caller.appId,
        changeType,
        clientState: typeof b.clientState === 'string' ? b.clientState : null,
        notificationUrl,
        notificationQueryOptions: null,
        lifecycleNotificationUrl,
        expirationDateTime,
        creatorId: input.caller.userId ?? input.caller.appId,
        includeResourceData: b.includeResourceData === true ? true : null,
        latestSupportedTlsVersion:
          typeof b.latestSupportedTlsVersion === 'string' ? b.latestSupportedTlsVersion : 'v1_2',
        encryptionCertificate: typeof b.encryptionCertificate === 'string' ? b.encryptionCertificate : null,
        encryptionCertificateId: typeof b.encryptionCertificateId === 'string' ? b.encryptionCertificateId : null,
        notificationUrlAppId: null,
      },
    };
    ctx.subscriptions.add(s);
    return json(201, subJson(input, s));
  };
}

export function listSubscriptions(ctx: SimContext): GraphHandler {
  return (input) =>
    json(200, {
      '@odata.context': contextUrl(input.req, 'subscriptions'),
      value: ctx.subscriptions
        .all()
        .filter((s) => s.appId === input.caller.appId)
        .map((s) => s.data),
    });
}

export function getSubscription(ctx: SimContext): GraphHandler {
  return (input) => json(200, subJson(input, subOf(ctx, input)));
}

export function renewSubscription(ctx: SimContext): GraphHandler {
  return (input) => {
    const s = subOf(ctx, input);
    const b = (input.req.body ?? {}) as Record<string, unknown>;
    if ('expirationDateTime' in b) s.data.expirationDateTime = checkExpiration(b.expirationDateTime);
    if ('notificationUrl' in b) {
      const err = notificationUrlError(b.notificationUrl, 'notificationUrl');
      if (err) throw bad(err);
      s.data.notificationUrl = String(b.notificationUrl);
    }
    return json(200, subJson(input, s));
  };
}

export function deleteSubscription(ctx: SimContext): GraphHandler {
  return (input) => {
    const s = subOf(ctx, input);
    ctx.subscriptions.delete(s.data.id);
    return { status: 204, headers: {} };
  };
}
