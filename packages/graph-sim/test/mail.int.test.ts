import { PageIterator, type Client, type PageCollection } from '@microsoft/microsoft-graph-client';
import type { Message } from '@microsoft/microsoft-graph-types';
import { startGraphSim, type GraphSim } from '../src';
import { admin, appToken, graphClient, graphFetch, sampleMessage } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

const MB = 'ap@contoso.example';

describe('mail (real @microsoft/microsoft-graph-client)', () => {
  let sim: GraphSim;
  let client: Client;
  let token: string;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MB] });
    trustCa(sim.caPem);
    client = graphClient(sim);
    token = await appToken(sim);
    for (let i = 0; i < 25; i++) {
      const r = await admin<{ id: string }>(
        sim,
        'POST',
        `/users/${MB}/messages`,
        sampleMessage(i, { isRead: i % 5 === 0 }),
      );
      expect(r.status).toBe(201);
    }
  });
  afterAll(() => sim.stop());

  it('lists mail folders and pages through the inbox with PageIterator', async () => {
    const folders = (await client.api(`/users/${MB}/mailFolders`).get()) as {
      value: { displayName: string; totalItemCount: number }[];
    };
    expect(folders.value.find((f) => f.displayName === 'Inbox')?.totalItemCount).toBe(25);
    const first = (await client
      .api(`/users/${MB}/mailFolders/inbox/messages`)
      .select('subject,receivedDateTime')
      .top(7)
      .get()) as PageCollection;
    expect(first['@odata.nextLink']).toMatch(/^https:\/\/127\.0\.0\.1:\d+\/v1\.0\//);
    const seen: Message[] = [];
    const it = new PageIterator(client, first, (m: Message) => {
      seen.push(m);
      return true;
    });
    await it.iterate();
    expect(seen).toHaveLength(25);
    expect(new Set(seen.map((m) => m.id)).size).toBe(25);
    expect(Object.keys(seen[0]).sort()).toEqual(['@odata.etag', 'id', 'receivedDateTime', 'subject']);
    // default order: receivedDateTime desc
    expect(seen[0].subject).toBe('Invoice 24');
  });

  it('filters and orders, and enforces InefficientFilter', async () => {
    const unread = (await client
      .api(`/users/${MB}/messages`)
      .filter('isRead eq false and hasAttachments eq true')
      .top(100)
      .get()) as { value: Message[] };
    expect(unread.value).toHaveLength(20);
    const since = (await client
      .api(`/users/${MB}/messages`)
      .filter('receivedDateTime ge 2026-11-01T00:10:00Z and isRead eq false')
      .orderby('receivedDateTime asc')
      .top(100)
      .get()) as { value: Message[] };
    expect(since.value[0].subject).toBe('Invoice 11');
    const res = await graphFetch(
      sim,
      token,
      `/users/${MB}/messages?$filter=isRead eq false&$orderby=receivedDateTime desc`,
    );
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { code: string } }).error.code).toBe('InefficientFilter');
  });

  it('gets, patches, moves a message and serves attachments with $value', async () => {
    const list = (await client.api(`/users/${MB}/messages`).expand('attachments').top(1).get()) as { value: Message[] };
    const msg = list.value[0];
    expect(msg.attachments?.[0]).toMatchObject({
      '@odata.type': '#microsoft.graph.fileAttachment',
      contentType: 'application/pdf',
    });
    const id = msg.id ?? '';
    const patched = (await client.api(`/users/${MB}/messages/${id}`).patch({ isRead: true })) as Message;
    expect(patched.isRead).toBe(true);
    const atts = (await client.api(`/users/${MB}/messages/${id}/attachments`).get()) as {
      value: { id: string; name: string; contentBytes: string }[];
    };
    const raw = await graphFetch(sim, token, `/users/${MB}/messages/${id}/attachments/${atts.value[0].id}/$value`);
    expect(raw.status).toBe(200);
    const bytes = Buffer.from(await raw.arrayBuffer());
    expect(bytes.toString()).toBe(Buffer.from(atts.value[0].contentBytes, 'base64').toString());
    expect(bytes.toString()).toMatch(/^%PDF-1.4 invoice/);
    const moved = (await client.api(`/users/${MB}/messages/${id}/move`).post({ destinationId: 'archive' })) as Message;
    expect(moved.id).not.toBe(id);
    const gone = await graphFetch(sim, token, `/users/${MB}/messages/${id}`);
    expect(gone.status).toBe(404);
    const inbox = (await client.api(`/users/${MB}/mailFolders('inbox')/messages`).top(100).get()) as {
      value: Message[];
    };
    expect(inbox.value).toHaveLength(24);
  });

  it('addresses a mailbox by user id as well as by address', async () => {
    const user = (await client.api(`/users/${MB}`).get()) as { id: string; mail: string };
    expect(user.mail).toBe(MB);
    const byId = (await client.api(`/users/${user.id}/mailFolders/inbox/messages`).select('subject').top(3).get()) as {
      value: Message[];
    };
    expect(byId.value).toHaveLength(3);
    expect(byId.value[0].subject).toBeTruthy();
  });

  it('rejects an unknown $select property and an unknown user', async () => {
    const r1 = await graphFetch(sim, token, `/users/${MB}/messages?$select=subject,noSuchProp`);
    expect(r1.status).toBe(400);
    const r2 = await graphFetch(sim, token, '/users/nobody@contoso.example/messages');
    expect(r2.status).toBe(404);
  });
});
