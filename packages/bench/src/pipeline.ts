// Brings the whole pipeline up (redis-server, graph-sim seeded, ms4-sim, the three apps as processes) and down.
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGraphSim, trustCa, type GraphSim } from '@ms1/graph-sim';
import { startMs4Sim, type Ms4Sim } from '@ms1/ms4-sim';
import { appEnv, freePort, startApp, startRedisServer, type AppProcess, type PrivateRedis } from '@ms1/test-utils';
import { cleanupAll, onCleanup, trackPid, untrackPid } from './cleanup';
import { postJson } from './http';
import { cleanupMarker, recordCleanup } from './settle';
import { seedMailboxes, type SeedSummary } from './seed';
import { cpuSeconds, peakRssMb } from './stats';

/**
 * How graph-sim behaves: `real` is Graph's clock (round trip and transfer time per request) with its limits per
 * mailbox; `unthrottled` neither; `limits` (the demo's) the limits without the clock.
 */
export type GraphMode = 'real' | 'unthrottled' | 'limits';

export interface PipelineOptions {
  emails: number;
  mailboxes: number;
  /** E-mails per mailbox (`--mailbox-sizes`), instead of `emails` spread evenly over `mailboxes`. */
  mailboxSizes?: readonly number[];
  processors: number;
  processorConcurrency: number;
  randomSeed: number;
  logLevel: string;
  graphMode?: GraphMode;
  /**
   * Each app process runs with `--cpu-prof` and writes its V8 CPU profiles (main thread and each reader thread,
   * start-up to exit) under this directory, in a sub-directory named after the app.
   */
  cpuProfDir?: string;
  /** Extra environment for the apps (e.g. the short retention windows of the steady-mail run). */
  appEnv?: Record<string, string>;
  /** Called while seeding with the number of e-mails seeded so far. */
  onSeedProgress?: (done: number) => void;
  /** One line per step, for stderr. */
  log: (line: string) => void;
}

export interface AppUsage {
  peakRssMb: Record<string, number>;
  cpuSeconds: Record<string, number>;
}

export interface Pipeline {
  redis: PrivateRedis;
  graph: GraphSim;
  ms4: Ms4Sim;
  apps: AppProcess[];
  ingestUrl: string;
  controlToken: string;
  queuePrefix: string;
  mailboxes: string[];
  seed: SeedSummary;
  /** Starts a manual polling session over every mailbox; resolves with the instant (ms) it was asked for. */
  startSession(): Promise<number>;
  /** Reads each app's peak RSS (VmHWM) and CPU time, then stops the apps; resolves with both by app name. */
  stopApps(): Promise<AppUsage>;
  /** CPU seconds each app has used so far (taken at the session's start, so that start-up is not counted). */
  appCpuSeconds(): Record<string, number>;
  /** Stops everything still running (idempotent). */
  stop(): Promise<void>;
}

/** NODE_OPTIONS that make the app's node write CPU profiles into DIR/<name>/ as it exits. */
function cpuProfEnv(dir: string | undefined, name: string): Record<string, string> {
  if (dir === undefined) return {};
  const appDir = path.join(dir, name);
  fs.mkdirSync(appDir, { recursive: true });
  return { NODE_OPTIONS: `--cpu-prof --cpu-prof-dir=${JSON.stringify(appDir)}` };
}

/** A fresh secret per run: the apps run with NODE_ENV=production, which refuses short and demo secrets. */
const freshSecret = (bytes = 24) => randomBytes(bytes).toString('hex');

export async function startPipeline(opts: PipelineOptions): Promise<Pipeline> {
  const CONTROL_TOKEN = freshSecret();
  const MS4_TOKEN = freshSecret();
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-bench-'));
  onCleanup('work dir', async () => {
    try {
      fs.rmSync(workDir, { recursive: true, force: true });
    } finally {
      recordCleanup(cleanupMarker());
    }
  });

  const redis = await startRedisServer({ dir: workDir });
  trackPid(redis.pid);
  onCleanup('redis-server', async () => {
    await redis.stop();
    untrackPid(redis.pid);
  });
  opts.log(`redis-server        ${redis.url} (pid ${redis.pid})`);

  const mailboxes = Array.from({ length: opts.mailboxes }, (_, i) => `ap${i + 1}@contoso.example`);
  const graph = await startGraphSim({
    port: 0,
    mailboxes,
    caDir: path.join(workDir, 'ca'),
    randomSeed: opts.randomSeed,
    ...(opts.graphMode === 'real' ? { latency: 'real' as const } : {}),
    ...(opts.graphMode === 'unthrottled' ? { throttle: false as const, latency: 'off' as const } : {}),
  });
  onCleanup('graph-sim', () => graph.stop());
  trustCa(graph.caPem);
  opts.log(`graph-sim           ${graph.graphBaseUrl} (${opts.graphMode ?? 'limits'})`);

  const ms4 = await startMs4Sim({ port: 0, apiToken: MS4_TOKEN });
  onCleanup('ms4-sim', () => ms4.stop());
  opts.log(`ms4-sim             ${ms4.baseUrl}`);

  opts.log(`seeding             ${opts.emails} e-mails over ${mailboxes.length} mailbox(es)...`);
  const seed = await seedMailboxes(
    graph.adminUrl,
    mailboxes,
    opts.emails,
    opts.randomSeed,
    opts.onSeedProgress ?? (() => undefined),
    opts.mailboxSizes,
  );
  opts.log(
    `seeded              ${seed.emails} e-mails: ${seed.invoiceEmails} with invoices (${seed.expectedInvoices} invoices), ${seed.nonInvoiceEmails} not invoices, ${seed.malformedEmails} malformed`,
  );

  const queuePrefix = 'ms1bench';
  const port = await freePort();
  const env = appEnv(redis.url, queuePrefix, {
    CONTROL_API_TOKEN: CONTROL_TOKEN,
    CLIENT_SECRET: freshSecret(),
    TOKEN_CACHE_KEY: freshSecret(32),
    MS4_API_TOKEN: MS4_TOKEN,
    PORT: String(port),
    AUTHORITY_HOST: graph.authorityHost,
    GRAPH_BASE_URL: graph.graphBaseUrl,
    NODE_EXTRA_CA_CERTS: graph.caFile,
    MAILBOXES: mailboxes.join(','),
    MS4_BASE_URL: ms4.baseUrl,
    ATTACHMENT_DIR: path.join(workDir, 'attachments'),
    MAX_ATTACHMENT_BYTES: String(1024 * 1024),
    PROCESSOR_CONCURRENCY: String(opts.processorConcurrency),
    LOG_LEVEL: opts.logLevel,
    NODE_ENV: 'production',
    ...opts.appEnv,
  });

  const apps: AppProcess[] = [];
  const launch = async (app: string, name: string): Promise<AppProcess> => {
    const p = await startApp(app, { env: { ...env, ...cpuProfEnv(opts.cpuProfDir, name) }, readyTimeoutMs: 60_000 });
    p.name = name;
    trackPid(p.child.pid);
    apps.push(p);
    opts.log(`${name.padEnd(20)}pid ${p.child.pid}`);
    return p;
  };
  const stopApps = async (): Promise<AppUsage> => {
    const usage: AppUsage = { peakRssMb: {}, cpuSeconds: {} };
    for (const a of apps) {
      usage.peakRssMb[a.name] = peakRssMb(a.child.pid);
      usage.cpuSeconds[a.name] = cpuSeconds(a.child.pid);
    }
    await Promise.all(
      apps.map(async (a) => {
        await a.stop(20_000);
        untrackPid(a.child.pid);
      }),
    );
    return usage;
  };
  onCleanup('apps', async () => void (await stopApps()));

  await launch('ingest-api', 'ingest-api');
  for (let i = 1; i <= opts.processors; i++) await launch('processor-worker', `processor-worker-${i}`);
  await launch('ms4-sender', 'ms4-sender');

  const ingestUrl = `http://127.0.0.1:${port}`;
  let stopped = false;
  return {
    redis,
    graph,
    ms4,
    apps,
    ingestUrl,
    controlToken: CONTROL_TOKEN,
    queuePrefix,
    mailboxes,
    seed,
    async startSession() {
      const at = Date.now();
      await postJson(
        `${ingestUrl}/session/start`,
        { polling_mode: 'manual', polling_interval: 300, enable_webhook: false, mailboxes },
        { authorization: `Bearer ${CONTROL_TOKEN}` },
      );
      return at;
    },
    stopApps,
    appCpuSeconds: () => Object.fromEntries(apps.map((a) => [a.name, cpuSeconds(a.child.pid)])),
    async stop() {
      if (stopped) return;
      stopped = true;
      await cleanupAll();
    },
  };
}
