// pnpm bench -- --steady MINUTES: steady mail into graph-sim with the whole pipeline running, Redis `used_memory`
// sampled each minute. Shows that Redis stops growing once every retention window has filled: the windows are
// shortened (--window seconds, default 300) so that the plateau is reached within the run.
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Redis } from 'ioredis';
import { repoRoot } from '@ms1/test-utils';
import { installSignalHandlers } from './cleanup';
import { getJson, postJson } from './http';
import { say } from './log';
import { startPipeline, type Pipeline } from './pipeline';
import { mb, round2, sessionCounters } from './stats';

export interface SteadySample {
  minute: number;
  usedMemoryMb: number;
  keys: number;
  injected: number;
  processed: number;
  deadLetters: number;
}

export interface SteadyReport {
  minutes: number;
  emailsPerSecond: number;
  retentionWindowSeconds: number;
  appSettings: Record<string, string>;
  samples: SteadySample[];
  /** From this minute on the samples are judged (every window has filled by then). */
  plateauFromMinute: number;
  plateau: { minMb: number; maxMb: number; slopeMbPerMinute: number };
}

const USAGE = 'pnpm bench -- --steady MINUTES [--rate E (e-mails per second, 4) --window S (300) --out FILE]';

function positive(name: string, raw: string | undefined, dflt: number): number {
  if (raw === undefined) return dflt;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) throw new Error(`--${name}: a positive number expected (got ${raw}); ${USAGE}`);
  return n;
}

async function usedMemory(redis: Redis): Promise<{ bytes: number; keys: number }> {
  const info = await redis.info('memory');
  const m = /^used_memory:(\d+)/m.exec(info);
  return { bytes: Number(m?.[1] ?? 0), keys: await redis.dbsize() };
}

/** Least-squares slope of y over x. */
function slope(points: [number, number][]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, [x]) => s + x, 0) / n;
  const my = points.reduce((s, [, y]) => s + y, 0) / n;
  const num = points.reduce((s, [x, y]) => s + (x - mx) * (y - my), 0);
  const den = points.reduce((s, [x]) => s + (x - mx) ** 2, 0);
  return den === 0 ? 0 : num / den;
}

export async function runSteady(argv: string[], setPipeline: (p: Pipeline) => void): Promise<void> {
  const { values } = parseArgs({
    args: argv.filter((a) => a !== '--'),
    options: {
      steady: { type: 'string' },
      rate: { type: 'string' },
      window: { type: 'string' },
      out: { type: 'string' },
      'log-level': { type: 'string' },
    },
    strict: true,
  });
  const minutes = positive('steady', values.steady, 30);
  const rate = positive('rate', values.rate, 4);
  const windowS = Math.round(positive('window', values.window, 300));
  const out = path.resolve(repoRoot, values.out ?? 'bench-results/steady.json');
  const appSettings = {
    SEEN_KEEP_SECONDS: String(windowS),
    COUNTED_EVENTS_KEEP_SECONDS: String(windowS),
    DEAD_LETTER_KEEP_SECONDS: String(windowS),
    KEEP_COMPLETED_SECONDS: String(windowS),
    KEEP_FAILED_SECONDS: String(windowS),
  };

  installSignalHandlers();
  const p = await startPipeline({
    emails: 0,
    mailboxes: 2,
    processors: 1,
    processorConcurrency: 8,
    randomSeed: 2026,
    logLevel: values['log-level'] ?? 'info',
    appEnv: appSettings,
    log: say,
  });
  setPipeline(p);
  const auth = { authorization: `Bearer ${p.controlToken}` };
  await postJson(
    `${p.ingestUrl}/session/start`,
    { polling_mode: 'scheduled', polling_interval: 5, enable_webhook: false, mailboxes: p.mailboxes },
    auth,
  );
  say(`steady mail: ${rate} e-mails/s for ${minutes} min, retention windows ${windowS} s; Redis sampled each minute`);

  const redis = new Redis(p.redis.url, { maxRetriesPerRequest: 1 });
  const samples: SteadySample[] = [];
  let injected = 0;
  let tick = 0;
  const startMs = Date.now();
  const sample = async (minute: number): Promise<void> => {
    const [{ bytes, keys }, counters, dlq] = await Promise.all([
      usedMemory(redis),
      sessionCounters(p.ingestUrl, p.controlToken),
      getJson<{ total: number }>(`${p.ingestUrl}/dlq`, { headers: auth }),
    ]);
    const s = {
      minute,
      usedMemoryMb: mb(bytes),
      keys,
      injected,
      processed: counters?.processed ?? 0,
      deadLetters: dlq.total,
    };
    samples.push(s);
    say(
      `minute ${String(minute).padStart(3)}: used_memory ${s.usedMemoryMb} MB, ${keys} keys, ${injected} injected, ${s.processed} processed, ${s.deadLetters} dead letters`,
    );
  };
  try {
    await sample(0);
    let nextSampleMinute = 1;
    let owed = 0;
    while (Date.now() - startMs < minutes * 60_000) {
      owed += rate;
      const count = Math.floor(owed);
      owed -= count;
      if (count > 0) {
        const mailbox = p.mailboxes[tick % p.mailboxes.length] ?? '';
        await postJson(`${p.graph.adminUrl}/seed`, { mailbox, count, seed: 9000 + tick });
        injected += count;
      }
      tick++;
      const elapsedMin = (Date.now() - startMs) / 60_000;
      if (elapsedMin >= nextSampleMinute) await sample(nextSampleMinute++);
      const nextTickMs = startMs + tick * 1000;
      await new Promise((r) => setTimeout(r, Math.max(0, nextTickMs - Date.now())));
    }
    if (samples[samples.length - 1]?.minute !== minutes) await sample(Math.round(minutes));
  } finally {
    redis.disconnect();
  }

  // Every window has filled after two of them (seen-sets, counted events, completed and failed jobs, dead letters).
  const plateauFromMinute = Math.min(Math.ceil((2 * windowS) / 60) + 1, Math.max(0, Math.floor(minutes) - 2));
  const late = samples.filter((s) => s.minute >= plateauFromMinute);
  const report: SteadyReport = {
    minutes,
    emailsPerSecond: rate,
    retentionWindowSeconds: windowS,
    appSettings,
    samples,
    plateauFromMinute,
    plateau: {
      minMb: Math.min(...late.map((s) => s.usedMemoryMb)),
      maxMb: Math.max(...late.map((s) => s.usedMemoryMb)),
      slopeMbPerMinute: round2(slope(late.map((s) => [s.minute, s.usedMemoryMb]))),
    },
  };
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
  say(`report written to ${out}`);
}
