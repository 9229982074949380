import fs from 'node:fs';
import path from 'node:path';

// The benchmark, the checks and the tests start each app with its `start` script; the image must run that same
// node command, or the benchmark would measure a process production does not run. The flags may differ per app, so the
// image writes its app's start script out at build and its CMD runs what was written (word-split by the shell:
// flags without spaces or glob characters).
const root = path.resolve(__dirname, '..');
const APPS = ['ingest-api', 'processor-worker', 'ms4-sender'];

function runtimeStage(): string {
  const dockerfile = fs.readFileSync(path.join(root, 'Dockerfile'), 'utf8');
  const at = dockerfile.indexOf(' AS runtime');
  if (at === -1) throw new Error('Dockerfile: no runtime stage');
  return dockerfile.slice(at);
}

function startScript(app: string): string[] {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'apps', app, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  return pkg.scripts.start.trim().split(/\s+/);
}

describe('the node command of the apps', () => {
  it('is, in the image, the app package.json start script, written at build and run by CMD', () => {
    const stage = runtimeStage();
    const written =
      /^RUN node -p "require\('\.\/package\.json'\)\.scripts\.start \?\? process\.exit\(1\)" > (\/\S+)$/m.exec(stage);
    expect(written).not.toBeNull();
    const cmd = /^CMD\s+(\[.*\])\s*$/m.exec(stage);
    expect(cmd).not.toBeNull();
    expect(JSON.parse(cmd?.[1] ?? '[]')).toEqual(['/bin/sh', '-c', `exec $(cat ${written?.[1] ?? ''})`]);
    // Written after the app's files are in place, before the image drops root.
    expect(stage.indexOf('COPY --from=app-build /out ./')).toBeLessThan(stage.indexOf(written?.[0] ?? '?'));
    expect(stage.indexOf(written?.[0] ?? '?')).toBeLessThan(stage.indexOf('USER node'));
  });

  it.each(APPS)('%s: its start script is node, flags only, then dist/main.js', (app) => {
    const cmd = startScript(app);
    expect(cmd[0]).toBe('node');
    expect(cmd[cmd.length - 1]).toBe('dist/main.js');
    expect(cmd.slice(1, -1).every((flag) => /^--[a-z0-9-]+(=[\w.,-]+)?$/.test(flag))).toBe(true);
  });
});
