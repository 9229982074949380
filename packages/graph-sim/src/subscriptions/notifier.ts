import type { ChangeNotification, ChangeNotificationCollection } from '@microsoft/microsoft-graph-types';
import type { SimContext } from '../context';
import type { Mailbox } from '../state/mailbox';
import type { MailEvent } from '../state/types';
import { postWithTimeout } from './post';
import type { StoredSubscription } from './store';

const NOTIFY_TIMEOUT_MS = 3_000;

export type LifecycleEvent = 'reauthorizationRequired' | 'subscriptionRemoved' | 'missed';

/** What one subscription hears of a change: its kind and the message id in the subscription's id view. */
function heardAs(s: StoredSubscription, ev: MailEvent): { kind: MailEvent['kind']; id: string } | null {
  const immutable = s.idView === 'immutable';
  // Mailbox-wide, a move keeps the immutable id: one update, not a deletion and a creation.
  if (s.scope === '*' && ev.moved && immutable) return ev.kind === 'deleted' ? null : { kind: 'updated', id: ev.key };
  return { kind: ev.kind, id: immutable ? ev.key : ev.restId };
}

function changeNotification(
  s: StoredSubscription,
  mb: Mailbox,
  heard: { kind: MailEvent['kind']; id: string },
  changeKey: string,
): ChangeNotification {
  const resource = `Users/${mb.id}/Messages/${heard.id}`;
  return {
    subscriptionId: s.data.id,
    subscriptionExpirationDateTime: s.data.expirationDateTime,
    changeType: heard.kind,
    resource,
    resourceData: {
      '@odata.type': '#Microsoft.Graph.Message',
      '@odata.id': resource,
      '@odata.etag': `W/"${changeKey}"`,
      id: heard.id,
    },
    clientState: s.data.clientState ?? null,
    tenantId: s.tenantId,
  };
}

async function deliver(url: string, payload: ChangeNotificationCollection): Promise<boolean> {
  const res = await postWithTimeout(url, JSON.stringify(payload), 'application/json; charset=utf-8', NOTIFY_TIMEOUT_MS);
  return res !== null && res.status >= 200 && res.status < 300;
}

/** Queues change notifications for a mailbox event to every matching subscription (sent in the background). */
export function notifyMailEvent(ctx: SimContext, mb: Mailbox, ev: MailEvent): void {
  const changeKey = mb.messages.get(ev.key)?.data.changeKey ?? '';
  for (const s of ctx.subscriptions.forMailbox(mb.id)) {
    if (s.scope !== '*' && s.scope !== ev.folderId) continue;
    const heard = heardAs(s, ev);
    if (!heard) continue;
    const types = (s.data.changeType ?? '').split(',').map((t) => t.trim());
    if (!types.includes(heard.kind)) continue;
    if (ctx.config.notificationDropRate > 0 && ctx.rng() < ctx.config.notificationDropRate) {
      ctx.stats.s.notifications.dropped++;
      continue;
    }
    ctx.notifications.enqueue(s.data.notificationUrl, changeNotification(s, mb, heard, changeKey));
  }
}

/** Sends a lifecycle notification to each subscription of the mailbox that has a lifecycleNotificationUrl. */
export async function sendLifecycle(
  ctx: SimContext,
  mb: Mailbox,
  event: LifecycleEvent,
): Promise<{ sent: number; failed: number; subscriptions: string[] }> {
  const subs = ctx.subscriptions.forMailbox(mb.id);
  let sent = 0;
  let failed = 0;
  await Promise.all(
    subs.map(async (s) => {
      if (event === 'subscriptionRemoved') ctx.subscriptions.delete(s.data.id);
      const url = s.data.lifecycleNotificationUrl;
      if (!url) return;
      const n: ChangeNotification = {
        subscriptionId: s.data.id,
        subscriptionExpirationDateTime: s.data.expirationDateTime,
        tenantId: s.tenantId,
        clientState: s.data.clientState ?? null,
        lifecycleEvent: event,
      };
      const ok = await deliver(url, { value: [n] });
      if (ok) {
        sent++;
        ctx.stats.s.notifications.lifecycleSent++;
      } else {
        failed++;
        ctx.stats.s.notifications.lifecycleFailed++;
      }
    }),
  );
  return { sent, failed, subscriptions: subs.map((s) => s.data.id) };
}
