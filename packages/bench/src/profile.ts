// pnpm profile DIR [--top N]: sums the V8 CPU profiles written by `pnpm bench -- --cpu-prof DIR` (one sub-directory
// per app, one .cpuprofile per thread) into self and total time per function and per module, one table per app.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { readProfile, summariseProfiles, type ProfileSummary, type TimeShare } from './profile-summary';

const USAGE = 'pnpm profile DIR [--top N (15)]: DIR as given to `pnpm bench -- --cpu-prof DIR`';

function main(): void {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    options: { top: { type: 'string' } },
    allowPositionals: true,
  });
  const dir = positionals[0];
  const top = Number(values.top ?? 15);
  if (dir === undefined || !Number.isInteger(top) || top < 1) {
    process.stderr.write(`${USAGE}\n`);
    process.exit(2);
  }
  const apps = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((d) => d.isDirectory())
    .map((d) => d.name)
    .sort();
  for (const app of apps) {
    const files = fs
      .readdirSync(path.join(dir, app))
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => path.join(dir, app, f));
    if (files.length === 0) continue;
    process.stdout.write(render(app, summariseProfiles(files.map(readProfile)), top));
  }
}

function render(app: string, s: ProfileSummary, top: number): string {
  const lines = [
    `## ${app}: ${s.threads} thread(s), ${(s.busyMs / 1000).toFixed(2)} s busy of ${(s.sampledMs / 1000).toFixed(2)} s sampled`,
    '',
    ...table('self time by module', s.selfByModule, s.busyMs, top),
    ...table('total time by module (on the stack)', s.totalByModule, s.busyMs, top),
    ...table('self time by function', s.selfByFunction, s.busyMs, top),
    ...table('total time by function (on the stack)', s.totalByFunction, s.busyMs, top),
  ];
  return `${lines.join('\n')}\n`;
}

function table(title: string, rows: TimeShare[], busyMs: number, top: number): string[] {
  return [
    `${title}:`,
    ...rows
      .slice(0, top)
      .map((r) => `  ${((100 * r.ms) / busyMs).toFixed(1).padStart(5)}%  ${r.ms.toFixed(0).padStart(7)} ms  ${r.name}`),
    '',
  ];
}

main();
