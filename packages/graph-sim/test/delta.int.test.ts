import type { Message } from '@microsoft/microsoft-graph-types';
import { startGraphSim, type GraphSim } from '../src';
import { admin, appToken, graphFetch, sampleMessage } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

const MB = 'delta@contoso.example';

interface DeltaPage {
  value: (Message & { '@removed'?: { reason: string } })[];
  '@odata.nextLink'?: string;
  '@odata.deltaLink'?: string;
}

async function round(
  sim: GraphSim,
  token: string,
  start: string,
  pageSize: number,
): Promise<{ items: DeltaPage['value']; deltaLink: string; pages: number }> {
  let url: string | undefined = start;
  const items: DeltaPage['value'] = [];
  let pages = 0;
  let deltaLink = '';
  while (url) {
    const res = await graphFetch(sim, token, url, { headers: { prefer: `odata.maxpagesize=${pageSize}` } });
    if (res.status !== 200) throw new Error(`delta ${res.status}: ${await res.text()}`);
    expect(res.headers.get('preference-applied')).toBe(`odata.maxpagesize=${pageSize}`);
    const page = (await res.json()) as DeltaPage;
    pages++;
    items.push(...page.value);
    url = page['@odata.nextLink'];
    if (!url) deltaLink = page['@odata.deltaLink'] ?? '';
  }
  return { items, deltaLink, pages };
}

describe('messages/delta', () => {
  let sim: GraphSim;
  let token: string;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, mailboxes: [MB] });
    trustCa(sim.caPem);
    token = await appToken(sim);
  });
  afterAll(() => sim.stop());

  it('runs rounds: created, updated, @removed, deltaLink, expired cursor', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 12; i++)
      ids.push((await admin<{ id: string }>(sim, 'POST', `/users/${MB}/messages`, sampleMessage(i))).body.id);
    const first = await round(
      sim,
      token,
      `/users/${MB}/mailFolders/inbox/messages/delta?$select=subject,isRead&$expand=attachments($select=name)`,
      5,
    );
    expect(first.pages).toBe(3);
    expect(first.items.map((m) => m.id).sort()).toEqual([...ids].sort());
    expect(first.items[0].attachments?.[0]).toHaveProperty('contentBytes'); // whole attachments despite the inner $select
    expect(first.deltaLink).toMatch(/\$deltatoken=/);

    // nothing new
    const empty = await round(sim, token, first.deltaLink, 5);
    expect(empty.items).toHaveLength(0);

    // changes: one new, one read, one deleted
    const added = (await admin<{ id: string }>(sim, 'POST', `/users/${MB}/messages`, sampleMessage(99))).body.id;
    expect(
      (
        await graphFetch(sim, token, `/users/${MB}/messages/${ids[0]}`, {
          method: 'PATCH',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ isRead: true }),
        })
      ).status,
    ).toBe(200);
    expect((await graphFetch(sim, token, `/users/${MB}/messages/${ids[1]}`, { method: 'DELETE' })).status).toBe(204);
    const second = await round(sim, token, empty.deltaLink, 5);
    const byId = new Map(second.items.map((m) => [m.id, m]));
    expect(byId.size).toBe(3);
    expect(byId.get(added)?.subject).toBe('Invoice 99');
    expect(byId.get(ids[0])?.isRead).toBe(true);
    expect(byId.get(ids[1])).toEqual({ id: ids[1], '@removed': { reason: 'deleted' } });

    // changeType=created narrows the changes
    const created = await round(
      sim,
      token,
      `/users/${MB}/mailFolders/inbox/messages/delta?changeType=created&$select=subject`,
      50,
    );
    expect(created.items).toHaveLength(12);

    // $filter=receivedDateTime ge
    const filtered = await round(
      sim,
      token,
      `/users/${MB}/mailFolders/inbox/messages/delta?$filter=receivedDateTime ge 2026-11-01T00:10:00Z&$select=subject`,
      50,
    );
    expect(filtered.items.map((m) => m.subject).sort()).toEqual(['Invoice 10', 'Invoice 11', 'Invoice 99']);

    // expired cursor
    expect((await admin(sim, 'POST', `/users/${MB}/expire-delta`)).status).toBe(200);
    const gone = await graphFetch(sim, token, second.deltaLink);
    expect(gone.status).toBe(410);
    expect(((await gone.json()) as { error: { code: string } }).error.code).toBe('syncStateNotFound');
  });

  it('delivers a message that arrives during a round in the next round, once', async () => {
    const mb = 'during@contoso.example';
    for (let i = 0; i < 6; i++) await admin(sim, 'POST', `/users/${mb}/messages`, sampleMessage(i));
    const headers = { prefer: 'odata.maxpagesize=3' };
    const p1 = (await (
      await graphFetch(sim, token, `/users/${mb}/mailFolders/inbox/messages/delta?$select=subject`, { headers })
    ).json()) as DeltaPage;
    const late = (await admin<{ id: string }>(sim, 'POST', `/users/${mb}/messages`, sampleMessage(50))).body.id;
    const p2 = (await (await graphFetch(sim, token, p1['@odata.nextLink'] ?? '', { headers })).json()) as DeltaPage;
    const first = [...p1.value, ...p2.value].map((m) => m.id);
    expect(first).toHaveLength(6);
    expect(first).not.toContain(late);
    const next = await round(sim, token, p2['@odata.deltaLink'] ?? '', 3);
    expect(next.items.map((m) => m.id)).toEqual([late]);
  });

  it('replays an already delivered change when deltaReplayRate is 1', async () => {
    const s2 = await startGraphSim({ port: 0, mailboxes: [MB], deltaReplayRate: 1 });
    trustCa(s2.caPem);
    try {
      const t2 = await appToken(s2);
      for (let i = 0; i < 3; i++) await admin(s2, 'POST', `/users/${MB}/messages`, sampleMessage(i));
      const r1 = await round(s2, t2, `/users/${MB}/mailFolders/inbox/messages/delta?$select=subject`, 10);
      await admin(s2, 'POST', `/users/${MB}/messages`, sampleMessage(3));
      const r2 = await round(s2, t2, r1.deltaLink, 10);
      expect(r2.items.length).toBe(2);
      expect(r1.items.map((m) => m.id)).toContain(r2.items[1].id);
    } finally {
      await s2.stop();
    }
  });

  it('answers a full delta round over 10,000 messages with attachments (timing only reported: the benchmark measures)', async () => {
    const big = 'big@contoso.example';
    const mb = sim.context.store.getOrCreate(big);
    // Small attachments: the count of messages and pages is the point here; bytes and speed are the benchmark's.
    const pdf = Buffer.alloc(1024, 7).toString('base64');
    for (let i = 0; i < 10_000; i++) {
      mb.inject({
        subject: `Invoice ${i}`,
        receivedDateTime: new Date(Date.UTC(2026, 9, 1) + i * 60_000).toISOString(),
        attachments: [{ name: `i${i}.pdf`, contentType: 'application/pdf', contentBytes: pdf }],
      });
    }
    const t0 = Date.now();
    const r = await round(
      sim,
      token,
      `/users/${big}/mailFolders/inbox/messages/delta?$select=subject,receivedDateTime,hasAttachments&$expand=attachments`,
      50,
    );
    const ms = Date.now() - t0;
    console.log(`delta round: 10,000 messages in ${r.pages} pages, ${ms} ms`);
    expect(r.items).toHaveLength(10_000);
    expect(r.pages).toBe(200);
    expect(new Set(r.items.map((m) => m.id)).size).toBe(10_000);
  }, 600_000);
});
