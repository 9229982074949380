import http from 'node:http';
import type { Message, Subscription } from '@microsoft/microsoft-graph-types';
import type { Client } from '@microsoft/microsoft-graph-client';
import {
  CHANGE_NOTIFICATION_PROPERTIES,
  FILE_ATTACHMENT_PROPERTIES,
  MESSAGE_PROPERTIES,
  startGraphSim,
  SUBSCRIPTION_PROPERTIES,
  type GraphSim,
  type StatsSnapshot,
} from '../src';
import { admin, graphClient, sampleMessage } from './helpers/clients';
import { startReceiver, waitFor, type Receiver } from './helpers/receiver';
import { trustCa } from './helpers/trust-ca';

const MB = 'hooks@contoso.example';

/** Keys of a Graph JSON object must be Graph v1.0 properties (from the graph-types) or OData annotations. */
function expectGraphKeys(obj: object, allowed: readonly string[]): void {
  const extra = Object.keys(obj).filter((k) => !k.startsWith('@odata.') && !allowed.includes(k));
  expect(extra).toEqual([]);
}

describe('subscriptions and change notifications', () => {
  let sim: GraphSim;
  let client: Client;
  let rec: Receiver;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MB] });
    trustCa(sim.caPem);
    client = graphClient(sim);
    rec = await startReceiver();
  });
  afterAll(async () => {
    await sim.stop();
    await new Promise<void>((resolve) => rec.server.close(() => resolve()));
  });

  it('creates a subscription after the validation handshake and delivers notifications', async () => {
    const expiration = new Date(Date.now() + 60 * 60_000).toISOString();
    const sub = (await client.api('/subscriptions').post({
      changeType: 'created',
      notificationUrl: `${rec.url}/notify`,
      lifecycleNotificationUrl: `${rec.url}/lifecycle`,
      resource: `users/${MB}/mailFolders('inbox')/messages`,
      expirationDateTime: expiration,
      clientState: 'secret-state',
    })) as Subscription;
    expect(sub.id).toBeTruthy();
    expect(rec.validations).toHaveLength(2);
    expect(rec.validations[0]).toMatch(/^Validation: /);
    expectGraphKeys(sub, SUBSCRIPTION_PROPERTIES);

    const injected = await admin<{ id: string }>(sim, 'POST', `/users/${MB}/messages`, sampleMessage(1));
    await waitFor(() => rec.notifications.length === 1);
    const n = rec.notifications[0].value?.[0];
    expect(n).toMatchObject({ subscriptionId: sub.id, changeType: 'created', clientState: 'secret-state' });
    expect(n?.resource).toMatch(new RegExp(`^Users/[^/]+/Messages/${injected.body.id}$`));
    expect(n?.resourceData).toMatchObject({ '@odata.type': '#Microsoft.Graph.Message', id: injected.body.id });
    expectGraphKeys(n ?? {}, CHANGE_NOTIFICATION_PROPERTIES);
    expectGraphKeys(rec.notifications[0], ['value', 'validationTokens']);

    const msg = (await client.api(`/users/${MB}/messages/${injected.body.id}`).expand('attachments').get()) as Message;
    expectGraphKeys(msg, MESSAGE_PROPERTIES);
    for (const a of msg.attachments ?? []) expectGraphKeys(a, FILE_ATTACHMENT_PROPERTIES);

    const renewed = (await client
      .api(`/subscriptions/${sub.id}`)
      .patch({ expirationDateTime: new Date(Date.now() + 2 * 3600_000).toISOString() })) as Subscription;
    expect(Date.parse(renewed.expirationDateTime ?? '')).toBeGreaterThan(Date.parse(expiration));
    const list = (await client.api('/subscriptions').get()) as { value: Subscription[] };
    expect(list.value.map((s) => s.id)).toContain(sub.id);

    const lc = await admin<{ sent: number }>(sim, 'POST', `/users/${MB}/lifecycle`, {
      event: 'reauthorizationRequired',
    });
    expect(lc.body.sent).toBe(1);
    expect(rec.lifecycle[0].value?.[0]).toMatchObject({
      subscriptionId: sub.id,
      lifecycleEvent: 'reauthorizationRequired',
      clientState: 'secret-state',
    });
    expectGraphKeys(rec.lifecycle[0].value?.[0] ?? {}, CHANGE_NOTIFICATION_PROPERTIES);

    await admin(sim, 'POST', `/users/${MB}/lifecycle`, { event: 'subscriptionRemoved' });
    await expect(client.api(`/subscriptions/${sub.id}`).get()).rejects.toMatchObject({ statusCode: 404 });
    const stats = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
    expect(stats.notifications.sent).toBe(1);
  });

  it('refuses failed handshakes, non-https URLs and too long expirations', async () => {
    const base = {
      changeType: 'created',
      resource: `/users/${MB}/mailFolders/inbox/messages`,
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
    };
    rec.failValidation = true;
    await expect(
      client.api('/subscriptions').post({ ...base, notificationUrl: `${rec.url}/notify` }),
    ).rejects.toMatchObject({ statusCode: 400, code: 'ValidationError' });
    rec.failValidation = false;
    await expect(
      client.api('/subscriptions').post({ ...base, notificationUrl: 'http://example.com/notify' }),
    ).rejects.toMatchObject({ statusCode: 400 });
    await expect(
      client.api('/subscriptions').post({
        ...base,
        notificationUrl: `${rec.url}/notify`,
        expirationDateTime: new Date(Date.now() + 10_081 * 60_000 + 120_000).toISOString(),
      }),
    ).rejects.toMatchObject({ statusCode: 400 });
  });

  it('refuses a subscription whose handshake takes more than 10 s', async () => {
    // The endpoint answers the handshake only after 30 s: graph-sim gives up at 10 s, however busy the machine.
    const slow = http.createServer((req, res) => {
      const token = new URL(req.url ?? '/', 'http://x').searchParams.get('validationToken') ?? '';
      setTimeout(() => res.writeHead(200, { 'content-type': 'text/plain' }).end(token), 30_000).unref();
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', () => r()));
    const port = (slow.address() as { port: number }).port;
    const t0 = Date.now();
    try {
      await expect(
        client.api('/subscriptions').post({
          changeType: 'created',
          resource: `users/${MB}/messages`,
          notificationUrl: `http://127.0.0.1:${port}/notify`,
          expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
        }),
      ).rejects.toMatchObject({ statusCode: 400, code: 'ValidationError' });
      expect(Date.now() - t0).toBeGreaterThanOrEqual(9_500); // it did wait its 10 s first
    } finally {
      slow.closeAllConnections();
      slow.close();
    }
  }, 60_000);

  it('gathers a burst of new messages into few notification POSTs', async () => {
    const s = (await client.api('/subscriptions').post({
      changeType: 'created',
      notificationUrl: `${rec.url}/notify`,
      resource: `users/${MB}/messages`,
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
    })) as Subscription;
    rec.notifications.length = 0;
    await admin(sim, 'POST', '/seed', { mailbox: MB, count: 150, seed: 3 });
    const items = () => rec.notifications.reduce((n, c) => n + (c.value?.length ?? 0), 0);
    await waitFor(() => items() === 150);
    expect(rec.notifications.length).toBeLessThan(150);
    await client.api(`/subscriptions/${s.id}`).delete();
  });

  it('drops a subscription when it expires, not before', async () => {
    const expiresAt = Math.ceil((Date.now() + 5000) / 1000) * 1000; // whole seconds, as Graph keeps it
    const s = (await client.api('/subscriptions').post({
      changeType: 'created',
      notificationUrl: `${rec.url}/notify`,
      resource: `users/${MB}/messages`,
      expirationDateTime: new Date(expiresAt).toISOString(),
    })) as Subscription;
    // Asked until it is gone: every answer that still had it began before the expiry, the 404 ended after it.
    const found: number[] = [];
    for (;;) {
      const asked = Date.now();
      const got = await client
        .api(`/subscriptions/${s.id}`)
        .get()
        .then(
          (x: Subscription) => ({ found: x }),
          (e: { statusCode?: number }) => ({ refused: e }),
        );
      if ('found' in got) {
        expect(got.found.id).toBe(s.id);
        expect(asked).toBeLessThan(expiresAt);
        found.push(asked);
      } else {
        expect(got.refused.statusCode).toBe(404);
        expect(Date.now()).toBeGreaterThanOrEqual(expiresAt);
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(found.length).toBeGreaterThan(0);
  });

  it('records failed and dropped notifications', async () => {
    const s = (await client.api('/subscriptions').post({
      changeType: 'created,updated',
      notificationUrl: `${rec.url}/notify`,
      resource: `users/${MB}/messages`,
      expirationDateTime: new Date(Date.now() + 3600_000).toISOString(),
    })) as Subscription;
    await admin(sim, 'PUT', '/config', { notificationDropRate: 1 });
    await admin(sim, 'POST', `/users/${MB}/messages`, sampleMessage(2));
    await admin(sim, 'PUT', '/config', { notificationDropRate: 0 });
    const before = (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
    expect(before.notifications.dropped).toBe(1);
    rec.failNotifications = true;
    await admin(sim, 'POST', `/users/${MB}/messages`, sampleMessage(3));
    await waitFor(() => sim.context.stats.s.notifications.failed === before.notifications.failed + 1);
    rec.failNotifications = false;
    await client.api(`/subscriptions/${s.id}`).delete();
  });
});
