import { Readable } from 'node:stream';
import { createInterface } from 'node:readline';
import { createHash } from 'node:crypto';
import type { StatsSnapshot } from '../src';
import { bigMessageBody, postStream, readJsonStream } from './helpers/big-mail';
import { buildGraphSim, memoryOf, resetPeak, startChildSim, type ChildSim } from './helpers/child-sim';
import { admin, appToken, graphFetch } from './helpers/clients';

// Eight 25 MB messages in the suite (200 MB of attachments, 267 MB of base64 in one delta page: twice the memory
// bound, so a page built in memory fails); GRAPH_SIM_BIG_COUNT=50 for the fifty of issue 14.
const COUNT = Number(process.env.GRAPH_SIM_BIG_COUNT ?? 8);
const MB = 1024 * 1024;
const SIZE = 25 * MB;
/** Bounds in bytes, not time. Storing: graph-sim's peak RSS over its start, whatever it stores (bytes go to disk;
 * what is left is the garbage of parsing, which V8 collects lazily). */
const STORE_BOUND = 256 * MB;
/** Serving: the peak over the RSS just before, whatever the answer weighs (a 267 MB page, a 150 MB message). */
const SERVE_BOUND = 96 * MB;
const MAILBOX = 'photos@contoso.example';

function bodyStream(res: Response): Readable {
  if (!res.body) throw new Error('no body');
  return Readable.fromWeb(res.body as import('node:stream/web').ReadableStream<Uint8Array>);
}

async function stats(sim: ChildSim): Promise<StatsSnapshot> {
  return (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
}

describe('big mail, streamed in and out (graph-sim from its command line)', () => {
  let sim: ChildSim;
  let token: string;
  let baseline: number;
  const sent: { id: string; sha256: string }[] = [];

  beforeAll(async () => {
    buildGraphSim();
    sim = await startChildSim(['--mailboxes', MAILBOX]);
    token = await appToken(sim);
    baseline = memoryOf(sim.pid).rss;
  }, 120_000);
  afterAll(async () => {
    await sim?.stop();
  });

  it(`injects ${COUNT} messages of 25 MB and serves them in one delta page: bytes exact, memory bounded`, async () => {
    for (let i = 0; i < COUNT; i++) {
      const msg = bigMessageBody(`Invoice ${i} with site photos`, SIZE, {
        receivedDateTime: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      });
      const r = await postStream(`${sim.adminUrl}/users/${MAILBOX}/messages`, msg.body);
      expect(r.status).toBe(201);
      sent.push({ id: (r.json as { id: string }).id, sha256: msg.sha256() });
    }
    const afterInject = memoryOf(sim.pid);

    resetPeak(sim.pid);
    const beforeServe = memoryOf(sim.pid).rss;
    const before = await stats(sim);
    const res = await graphFetch(
      sim,
      token,
      `/users/${MAILBOX}/mailFolders/inbox/messages/delta?$select=subject&$expand=attachments`,
      { headers: { prefer: `odata.maxpagesize=${COUNT}` } },
    );
    expect(res.status).toBe(200);
    const length = Number(res.headers.get('content-length'));
    const page = await readJsonStream(bodyStream(res), ['contentBytes']);
    const afterServe = memoryOf(sim.pid);

    expect(page.bytes).toBe(length);
    expect(page.strings.get('@odata.deltaLink')).toMatch(/\$deltatoken=/);
    const served = new Map<string, string>();
    for (let i = 0; i < COUNT; i++) {
      const blob = page.blobs.get(`value.${i}.attachments.0.contentBytes`);
      expect(blob?.size).toBe(SIZE);
      served.set(page.strings.get(`value.${i}.id`) ?? '', blob?.sha256 ?? '');
    }
    expect(served).toEqual(new Map(sent.map((s) => [s.id, s.sha256])));
    expect((await stats(sim)).bytesServed - before.bytesServed).toBe(length);

    console.log(
      `big page: ${COUNT} x 25 MB, ${(length / MB).toFixed(0)} MB served; graph-sim RSS at start ${(baseline / MB).toFixed(0)} MB, ` +
        `peak while injecting ${(afterInject.peak / MB).toFixed(0)} MB; RSS before serving ${(beforeServe / MB).toFixed(0)} MB, ` +
        `peak while serving ${(afterServe.peak / MB).toFixed(0)} MB`,
    );
    expect(afterInject.peak - baseline).toBeLessThan(STORE_BOUND);
    expect(afterServe.peak - beforeServe).toBeLessThan(SERVE_BOUND);
  }, 900_000);

  it('serves the MIME of a big message (/$value) as a stream, its attachment intact', async () => {
    resetPeak(sim.pid);
    const beforeServe = memoryOf(sim.pid).rss;
    const res = await graphFetch(sim, token, `/users/${MAILBOX}/messages/${sent[0].id}/$value`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const lines = createInterface({ input: bodyStream(res), crlfDelay: Infinity });
    const hash = createHash('sha256');
    let boundary = '';
    let part = 0;
    let inBody = false;
    let attachmentBytes = 0;
    let longLines = 0;
    for await (const line of lines) {
      const b = /boundary="([^"]+)"/.exec(line);
      if (b && !boundary) boundary = b[1];
      if (boundary && line.startsWith(`--${boundary}`)) {
        part++;
        inBody = false;
        continue;
      }
      if (part === 2 && !inBody && line === '') {
        inBody = true;
        continue;
      }
      if (part === 2 && inBody && line !== '') {
        if (line.length > 76) longLines++;
        const bytes = Buffer.from(line, 'base64');
        attachmentBytes += bytes.length;
        hash.update(bytes);
      }
    }
    expect(part).toBe(3); // body, attachment, closing boundary
    expect(longLines).toBe(0);
    expect(attachmentBytes).toBe(SIZE);
    expect(hash.digest('hex')).toBe(sent[0].sha256);
    expect(memoryOf(sim.pid).peak - beforeServe).toBeLessThan(SERVE_BOUND);
  }, 300_000);

  it('carries big attachments through $batch, streamed (JSON and raw inner bodies)', async () => {
    const atts = (await (
      await graphFetch(sim, token, `/users/${MAILBOX}/messages/${sent[1].id}/attachments?$select=id,size`)
    ).json()) as { value: { id: string; size: number }[] };
    const attId = atts.value[0].id;
    const requests = [
      { id: '1', method: 'GET', url: `/users/${MAILBOX}/messages/${sent[1].id}/attachments/${attId}` },
      { id: '2', method: 'GET', url: `/users/${MAILBOX}/messages/${sent[1].id}/attachments/${attId}/$value` },
      { id: '3', method: 'GET', url: `/users/${MAILBOX}/messages/${sent[2].id}?$expand=attachments&$select=id` },
    ];
    resetPeak(sim.pid);
    const beforeServe = memoryOf(sim.pid).rss;
    const res = await graphFetch(sim, token, '/$batch', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ requests }),
    });
    expect(res.status).toBe(200);
    const answer = await readJsonStream(bodyStream(res), ['contentBytes', 'body']);
    expect(answer.bytes).toBe(Number(res.headers.get('content-length')));
    const byId = new Map<string, number>();
    for (let i = 0; i < 3; i++) byId.set(answer.strings.get(`responses.${i}.id`) ?? '', i);
    const at = (id: string, rest: string) => answer.blobs.get(`responses.${byId.get(id)}.${rest}`);
    expect(at('1', 'body.contentBytes')).toEqual({ sha256: sent[1].sha256, size: SIZE });
    expect(at('2', 'body')).toEqual({ sha256: sent[1].sha256, size: SIZE });
    expect(at('3', 'body.attachments.0.contentBytes')).toEqual({ sha256: sent[2].sha256, size: SIZE });
    expect(memoryOf(sim.pid).peak - beforeServe).toBeLessThan(SERVE_BOUND);
  }, 300_000);

  it("accepts a message of 150 MB (Graph's limit) and serves it back, refuses a bigger one (413) and bad base64 (400)", async () => {
    resetPeak(sim.pid);
    const limit = bigMessageBody('Limit', 150 * MB - 1024);
    const ok = await postStream(`${sim.adminUrl}/users/${MAILBOX}/messages`, limit.body);
    expect(ok.status).toBe(201);
    const listed = (
      await admin<{ messages: { id: string; size: number }[] }>(sim, 'GET', `/users/${MAILBOX}/messages`)
    ).body.messages.find((m) => m.id === (ok.json as { id: string }).id);
    expect(listed?.size).toBe(150 * MB - 1024);

    const over = await postStream(
      `${sim.adminUrl}/users/${MAILBOX}/messages`,
      bigMessageBody('Over', 150 * MB + 1).body,
    );
    expect(over.status).toBe(413);
    expect(JSON.stringify(over.json)).toMatch(/150 MB/);

    async function* badBase64(): AsyncIterable<Buffer> {
      yield Buffer.from('{"subject":"x","attachments":[{"name":"a.pdf","contentBytes":"QUJD*not-base64"}]}');
    }
    const bad = await postStream(`${sim.adminUrl}/users/${MAILBOX}/messages`, badBase64());
    expect(bad.status).toBe(400);
    expect(JSON.stringify(bad.json)).toContain('attachments[0].contentBytes');
    const storePeak = memoryOf(sim.pid).peak;
    expect(storePeak - baseline).toBeLessThan(STORE_BOUND);

    const id = (ok.json as { id: string }).id;
    const atts = (await (
      await graphFetch(sim, token, `/users/${MAILBOX}/messages/${id}/attachments?$select=id`)
    ).json()) as { value: { id: string }[] };
    resetPeak(sim.pid);
    const beforeServe = memoryOf(sim.pid).rss;
    const raw = await graphFetch(sim, token, `/users/${MAILBOX}/messages/${id}/attachments/${atts.value[0].id}/$value`);
    const hash = createHash('sha256');
    let size = 0;
    for await (const chunk of bodyStream(raw) as AsyncIterable<Buffer>) {
      hash.update(chunk);
      size += chunk.length;
    }
    expect(size).toBe(150 * MB - 1024);
    expect(hash.digest('hex')).toBe(limit.sha256());
    const servePeak = memoryOf(sim.pid).peak;
    console.log(
      `150 MB message: graph-sim peak RSS ${(storePeak / MB).toFixed(0)} MB while storing it (and refusing 150 MB + 1), ` +
        `${(servePeak / MB).toFixed(0)} MB while serving it (RSS before ${(beforeServe / MB).toFixed(0)} MB)`,
    );
    expect(servePeak - beforeServe).toBeLessThan(SERVE_BOUND);
  }, 600_000);
});
