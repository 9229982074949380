// The command line: built with tsc, it prints its JSON line first, serves, and exits cleanly on SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { batch, item } from './helpers';

const root = path.resolve(__dirname, '../../..');

describe('ms4-sim CLI', () => {
  beforeAll(() => {
    execFileSync('pnpm', ['exec', 'tsc', '--build', 'packages/ms4-sim'], { cwd: root, stdio: 'pipe' });
  }, 60_000);

  it('prints {"baseUrl","adminUrl"} as its first stdout line, serves, and exits 0 on SIGTERM', async () => {
    const child = spawn(process.execPath, ['packages/ms4-sim/dist/cli.js', '--', '--port', '0', '--api-token', 'tok'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const printed = JSON.parse(first) as { baseUrl: string; adminUrl: string };
      expect(Object.keys(printed)).toEqual(['baseUrl', 'adminUrl']);
      expect(printed.baseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      expect(printed.adminUrl).toBe(`${printed.baseUrl}/_sim`);
      const b = batch([item()]);
      const res = await fetch(`${printed.baseUrl}/batch-metadata`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': String(b.batchId),
          authorization: 'Bearer tok',
        },
        body: JSON.stringify(b),
      });
      expect(res.status).toBe(200);
      const more: string[] = [];
      lines.on('line', (l) => more.push(l));
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(more).toEqual([]);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with usage on stderr for an unknown flag', async () => {
    const child = spawn(process.execPath, ['packages/ms4-sim/dist/cli.js', '--nope'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let out = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(err).toMatch(/unknown option/);
    expect(out).toBe('');
  });
});
