import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { get } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGraphSim, type GraphSim } from '../src';

/** GET over TLS that trusts exactly `caPem` (no system roots): the status, or the TLS error's code. */
function getTrusting(url: string, caPem: string): Promise<number | string> {
  return new Promise((resolve) => {
    const req = get(url, { ca: caPem }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? err.message));
  });
}

/** By address: the certificate also names `graph-sim`, which does not resolve here. */
const seedUrl = (sim: GraphSim): string => `https://127.0.0.1:${sim.port}/_sim/seed`;

// A simulator in docker compose restarts while the apps keep trusting the CA file they read at start: a restart
// with the same --ca-dir must serve a certificate that CA signed.
describe('--ca-dir keeps the CA across restarts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'graph-sim-ca-'));
  const running: GraphSim[] = [];
  const start = async (caDir: string): Promise<GraphSim> => {
    const sim = await startGraphSim({ port: 0, caDir, hostnames: ['graph-sim'] });
    running.push(sim);
    return sim;
  };
  afterEach(async () => {
    await Promise.all(running.splice(0).map((s) => s.stop()));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a second start uses the first CA, and a client trusting only that CA reaches it', async () => {
    const first = await start(dir);
    const firstCa = readFileSync(join(dir, 'ca.pem'), 'utf8');
    expect(first.caPem).toBe(firstCa);
    expect(statSync(join(dir, 'ca-key.pem')).mode & 0o777).toBe(0o600);
    await first.stop();
    running.length = 0;

    const second = await start(dir);
    expect(second.caPem).toBe(firstCa);
    expect(readFileSync(join(dir, 'ca.pem'), 'utf8')).toBe(firstCa);
    expect(await getTrusting(seedUrl(second), firstCa)).toBe(200);
  });

  it('a CA file without its key is replaced by a new CA, which the server then presents', async () => {
    const other = mkdtempSync(join(tmpdir(), 'graph-sim-ca-'));
    const lone = mkdtempSync(join(tmpdir(), 'graph-sim-ca-'));
    try {
      const elsewhere = await start(other);
      const strayCa = elsewhere.caPem;
      await elsewhere.stop();
      running.length = 0;
      writeFileSync(join(lone, 'ca.pem'), strayCa);
      const sim = await start(lone);
      expect(sim.caPem).not.toBe(strayCa);
      expect(readFileSync(join(lone, 'ca.pem'), 'utf8')).toBe(sim.caPem);
      expect(await getTrusting(seedUrl(sim), sim.caPem)).toBe(200);
      expect(await getTrusting(seedUrl(sim), strayCa)).toBe('UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    } finally {
      rmSync(other, { recursive: true, force: true });
      rmSync(lone, { recursive: true, force: true });
    }
  });
});
