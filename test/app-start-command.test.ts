import fs from 'node:fs';
import path from 'node:path';

// One image serves the three apps, so its CMD and each app's `start` script (which `pnpm start`, the checks, the
// tests and the benchmark run) must be the same node command: a flag added in one place and not the other would
// make the benchmark measure a process that production does not run.
const root = path.resolve(__dirname, '..');
const APPS = ['ingest-api', 'processor-worker', 'ms4-sender'];

function imageCommand(): string[] {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(dockerfile);
  if (!cmd) throw new Error('Dockerfile: no CMD ["node", ...] line');
  return JSON.parse(cmd[1]) as string[];
}

function startScript(app: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'apps', app, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.trim().split(/\s+/);
}

describe('the node command of the apps', () => {
  it.each(APPS)('%s: its start script is the image CMD', (app) => {
    expect(startScript(app)).toEqual(imageCommand());
  });

  it('is node, its flags, then dist/main.js', () => {
    const cmd = imageCommand();
    expect(cmd[0]).toBe('node');
    expect(cmd[cmd.length - 1]).toBe('dist/main.js');
    expect(cmd.slice(1, -1).every((flag) => flag.startsWith('--'))).toBe(true);
  });
});
