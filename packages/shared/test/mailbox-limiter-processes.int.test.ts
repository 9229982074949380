import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { cleanPrefix, testRedisUrl, uniquePrefix } from '@ms1/test-utils';

const run = promisify(execFile);

// Three processes, one mailbox: the Redis limiter keeps Graph's view of the mailbox at 4 requests in flight.
describe('per-mailbox limiter across three processes (graph-sim peak concurrency)', () => {
  let sim: GraphSim;
  const prefix = uniquePrefix('hammer');
  beforeAll(async () => {
    sim = await startGraphSim({
      port: 0,
      mailboxes: ['shared@contoso.example'],
      latency: { fixedMs: 40, perKbMs: 0, jitterMs: 20 },
    });
    trustCa(sim.caPem);
  });
  afterAll(async () => {
    await sim.stop();
    await cleanPrefix(testRedisUrl(), prefix);
  });

  it('never lets the mailbox see more than 4 requests in flight and draws no 429', async () => {
    const env = {
      PATH: process.env.PATH,
      REDIS_URL: testRedisUrl(),
      QUEUE_PREFIX: prefix,
      AUTHORITY_HOST: sim.authorityHost,
      GRAPH_BASE_URL: sim.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: sim.caFile,
      HAMMER_MAILBOX: 'shared@contoso.example',
      HAMMER_REQUESTS: '40',
    };
    const script = path.join(__dirname, 'fixtures', 'graph-hammer.js');
    const results = await Promise.all([1, 2, 3].map(() => run(process.execPath, [script], { env, timeout: 120_000 })));
    const counts = results.map((r) => JSON.parse(r.stdout) as { ok: number; throttled: number; waits: number });
    const stats = (await (await fetch(`${sim.adminUrl}/stats`)).json()) as {
      peakConcurrency: Record<string, number>;
      throttled: { total: number };
      requests: { byMailbox: Record<string, number> };
    };
    const ok = counts.reduce((n, c) => n + c.ok, 0);
    const refused = counts.reduce((n, c) => n + c.throttled, 0);
    console.log(
      `[hammer] 3 processes x 40 requests: ${ok} answered, ${refused} refused by our limiter after waiting past its ` +
        `inline bound (a busy machine: the job would be delayed), ${counts.reduce((n, c) => n + c.waits, 0)} waits; ` +
        `Graph's peak in flight ${stats.peakConcurrency['shared@contoso.example']}`,
    );
    // Every request either reached Graph and was answered, or was held back by our limiter before it left.
    expect(ok + refused).toBe(120);
    expect(stats.requests.byMailbox['shared@contoso.example']).toBe(ok);
    expect(ok).toBeGreaterThan(0);
    // Ten lanes per process on 4 slots: the limiter made lanes wait, Graph never saw more than 4, nor refused one.
    expect(counts.reduce((n, c) => n + c.waits, 0)).toBeGreaterThan(0);
    expect(stats.peakConcurrency['shared@contoso.example']).toBeLessThanOrEqual(4);
    expect(stats.throttled.total).toBe(0);
  }, 180_000);
});
