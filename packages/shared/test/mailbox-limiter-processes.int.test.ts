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
    const results = await Promise.all([1, 2, 3].map(() => run(process.execPath, [script], { env, timeout: 60_000 })));
    const counts = results.map((r) => JSON.parse(r.stdout) as { ok: number; throttled: number });
    expect(counts.reduce((n, c) => n + c.ok, 0)).toBe(120);
    const stats = (await (await fetch(`${sim.adminUrl}/stats`)).json()) as {
      peakConcurrency: Record<string, number>;
      throttled: { total: number };
    };
    expect(stats.peakConcurrency['shared@contoso.example']).toBe(4);
    expect(stats.throttled.total).toBe(0);
  });
});
