import { REAL_LATENCY, SERVICE_TIME_HEADER, startGraphSim, type GraphSim, type StatsSnapshot } from '../src';
import { admin, appToken, graphFetch } from './helpers/clients';
import { trustCa } from './helpers/trust-ca';

const ATTACHMENT = Buffer.alloc(100 * 1024, 7).toString('base64');
const PAGE = '$top=200&$expand=attachments';

/** 200 messages with a 100 KB attachment each: one $top=200&$expand=attachments answer is about 27 MB. */
function fill(sim: GraphSim, mailbox: string): void {
  const mb = sim.context.store.getOrCreate(mailbox);
  for (let i = 0; i < 200; i++)
    mb.inject({
      subject: `Invoice ${i}`,
      receivedDateTime: new Date(Date.UTC(2026, 0, 1, 0, i)).toISOString(),
      attachments: [{ name: `scan-${i}.pdf`, contentType: 'application/pdf', contentBytes: ATTACHMENT }],
    });
}

async function stats(sim: GraphSim): Promise<StatsSnapshot> {
  return (await admin<StatsSnapshot>(sim, 'GET', '/stats')).body;
}

/**
 * Sixteen requests sent at once. An admitted request keeps its slot until its answer is written, and the client
 * reads no answer before all sixteen have their status: the answers of the admitted ones (27 MB each) cannot be
 * written before then, so exactly four are in flight when the others arrive, whatever the machine's speed.
 */
async function burst(sim: GraphSim, token: string, mailbox: string): Promise<Response[]> {
  const answers = await Promise.all(
    Array.from({ length: 16 }, () => graphFetch(sim, token, `/users/${mailbox}/messages?${PAGE}`)),
  );
  return answers;
}

describe('the Graph clock', () => {
  let sim: GraphSim;
  let token: string;

  beforeAll(async () => {
    sim = await startGraphSim({ port: 0, latency: 'real' });
    trustCa(sim.caPem);
    token = await appToken(sim);
  });
  afterAll(() => sim.stop());
  afterEach(async () => {
    await admin(sim, 'PUT', '/config', { latency: 'real' });
  });

  it('16 concurrent $top=200&$expand=attachments requests under --latency real: 4 admitted, 12 refused with Retry-After', async () => {
    const MB = 'clock@contoso.example';
    fill(sim, MB);
    const answers = await burst(sim, token, MB);
    const ok = answers.filter((r) => r.status === 200);
    const throttled = answers.filter((r) => r.status === 429);
    expect(ok).toHaveLength(4);
    expect(throttled).toHaveLength(12);
    for (const r of throttled) {
      expect(Number(r.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
      expect(((await r.json()) as { error: { code: string } }).error.code).toBe('ApplicationThrottled');
    }
    for (const r of ok) expect(((await r.json()) as { value: unknown[] }).value).toHaveLength(200);
    const s = await stats(sim);
    expect(s.peakConcurrency[MB]).toBe(4);
    expect(s.throttled.byMailbox[MB]).toBe(12);
    expect(s.inFlight[MB]).toBe(0);
  }, 120_000);

  it('holds the limit without any latency too: graph-sim building answers one after another hides nothing', async () => {
    const MB = 'nolatency@contoso.example';
    fill(sim, MB);
    await admin(sim, 'PUT', '/config', { latency: 'off' });
    const answers = await burst(sim, token, MB);
    expect(answers.filter((r) => r.status === 429)).toHaveLength(12);
    const ok = answers.filter((r) => r.status === 200);
    expect(ok).toHaveLength(4);
    for (const r of ok) await r.arrayBuffer();
    // Once the answers are read, the slots are free again.
    expect((await graphFetch(sim, token, `/users/${MB}/messages?$top=1&$select=id`)).status).toBe(200);
  }, 120_000);

  it('reports per mailbox the total service time: the sum of what each admitted request was given by the model', async () => {
    const MB = 'service@contoso.example';
    fill(sim, MB);
    const before = (await stats(sim)).serviceMs[MB] ?? 0;
    let sum = 0;
    for (const query of ['$top=1&$select=id', '$top=50&$expand=attachments', PAGE, '$top=10&$select=subject']) {
      const r = await graphFetch(sim, token, `/users/${MB}/messages?${query}`);
      expect(r.status).toBe(200);
      const bytes = (await r.arrayBuffer()).byteLength;
      expect(Number(r.headers.get('content-length'))).toBe(bytes);
      const serviceMs = Number(r.headers.get(SERVICE_TIME_HEADER));
      const transfer = (REAL_LATENCY.perKbMs * bytes) / 1024;
      expect(serviceMs).toBeGreaterThanOrEqual(REAL_LATENCY.fixedMs + transfer - 0.001);
      expect(serviceMs).toBeLessThanOrEqual(REAL_LATENCY.fixedMs + transfer + REAL_LATENCY.jitterMs + 0.001);
      sum += serviceMs;
    }
    // In a burst, the refused requests are given no service time; the admitted ones are.
    for (const r of await burst(sim, token, MB)) {
      if (r.status === 429) expect(r.headers.get(SERVICE_TIME_HEADER)).toBeNull();
      else sum += Number(r.headers.get(SERVICE_TIME_HEADER));
      await r.arrayBuffer();
    }
    const after = await stats(sim);
    expect(after.serviceMs[MB] - before).toBeCloseTo(sum, 3);
  }, 120_000);

  it('PUT /_sim/config takes latency "real", "off" or numbers, and refuses anything else', async () => {
    expect((await admin<{ latency: unknown }>(sim, 'PUT', '/config', { latency: 'off' })).body.latency).toEqual({
      fixedMs: 0,
      perKbMs: 0,
      jitterMs: 0,
    });
    expect((await admin<{ latency: unknown }>(sim, 'PUT', '/config', { latency: 'real' })).body.latency).toEqual(
      REAL_LATENCY,
    );
    const tuned = await admin<{ latency: unknown }>(sim, 'PUT', '/config', { latency: { fixedMs: 200 } });
    expect(tuned.body.latency).toEqual({ ...REAL_LATENCY, fixedMs: 200 });
    const bad = await admin<{ error: { message: string } }>(sim, 'PUT', '/config', { latency: 'fast' });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/latency/);
  });
});
