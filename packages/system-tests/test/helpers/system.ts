import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startGraphSim, trustCa, type GraphSim, type GraphSimOptions, type StatsSnapshot } from '@ms1/graph-sim';
import { startMs4Sim, type Ms4Sim, type Ms4SimOptions } from '@ms1/ms4-sim';
import { DEMO_SECRETS } from '@ms1/shared';
import { freePort, uniquePrefix } from '@ms1/test-utils';
import { APP_NAMES, AppHandle, type AppName } from './app-handle';
import { Expectation } from './expectation';
import { json, jsonBody } from './http';
import { QueueWatch } from './queues';
import { RestartableRedis } from './restartable-redis';

export interface SystemOptions {
  /** Names the temporary directory and the queue prefix. */
  label: string;
  mailboxes: string[];
  /** Redis with its append-only file fsynced on every write (`appendfsync always`), for the Redis restart. */
  appendFsyncAlways?: boolean;
  graph?: Pick<GraphSimOptions, 'latency' | 'throttle'>;
  ms4?: Omit<Ms4SimOptions, 'port' | 'host' | 'apiToken'>;
  /** More environment for the three apps. */
  env?: Record<string, string>;
  /** PUBLIC_BASE_URL (ingest-api's own address: graph-sim accepts http on 127.0.0.1) and WEBHOOK_CLIENT_STATE. */
  webhooks?: boolean;
}

export interface Ms4Stats {
  requests: number;
  batches: number;
  uniqueKeys: number;
  duplicates: number;
  itemsReceived: number;
  responses: Record<string, number>;
}

export interface DeadLetter {
  source_queue: string;
  messageId: string | null;
  failed_reason: string;
}

const SECRETS = DEMO_SECRETS;
const BEARER = { authorization: `Bearer ${SECRETS.CONTROL_API_TOKEN}` };

/**
 * The whole of MS1 on this machine, as production runs it: a private redis-server, graph-sim (HTTPS, as Microsoft
 * Graph and the identity platform), ms4-sim (as MS4), and the three apps as child processes started from their
 * build with their environment (demo secrets, NODE_ENV unset). The simulators run in the test's process, where their
 * admin APIs are read; the apps only reach them over the network. Everything is stopped by `stop()`, which the
 * suite's afterEach calls for every system still running.
 */
export class System {
  readonly expectation = new Expectation();
  readonly apps: Record<AppName, AppHandle>;
  readonly api: string;
  readonly queues: QueueWatch;
  private stopped = false;

  private constructor(
    readonly opts: SystemOptions,
    readonly dir: string,
    readonly redis: RestartableRedis,
    readonly graph: GraphSim,
    readonly ms4: Ms4Sim,
    readonly queuePrefix: string,
    ports: Record<AppName, number>,
  ) {
    this.api = `http://127.0.0.1:${ports['ingest-api']}`;
    const env: Record<string, string | undefined> = {
      NODE_ENV: undefined, // unset: the apps' own default (development), as a developer runs them
      LOG_LEVEL: 'info',
      LOG_FORMAT: 'json',
      REDIS_URL: redis.url,
      QUEUE_PREFIX: queuePrefix,
      CONTROL_API_TOKEN: SECRETS.CONTROL_API_TOKEN,
      TENANT_ID: 'contoso',
      CLIENT_ID: '11111111-2222-3333-4444-555555555555',
      CLIENT_SECRET: SECRETS.CLIENT_SECRET,
      TOKEN_CACHE_KEY: SECRETS.TOKEN_CACHE_KEY,
      AUTHORITY_HOST: graph.authorityHost,
      GRAPH_BASE_URL: graph.graphBaseUrl,
      NODE_EXTRA_CA_CERTS: graph.caFile,
      MAILBOXES: opts.mailboxes.join(','),
      MS4_BASE_URL: ms4.baseUrl,
      MS4_API_TOKEN: SECRETS.MS4_API_TOKEN,
      ATTACHMENT_DIR: path.join(dir, 'attachments'),
      MAX_ATTACHMENT_BYTES: String(1024 * 1024),
      // A killed worker's jobs are taken over after the lock runs out: 10 s instead of 30 keeps the suite short,
      // and is still far above a lock renewal (every 5 s) on a busy machine.
      WORKER_LOCK_DURATION_MS: '10000',
      WORKER_STALLED_INTERVAL_MS: '3000',
      SHUTDOWN_TIMEOUT_MS: '10000',
      ...(opts.webhooks ? { PUBLIC_BASE_URL: this.api, WEBHOOK_CLIENT_STATE: SECRETS.WEBHOOK_CLIENT_STATE } : {}),
      ...opts.env,
    };
    const health = (app: AppName) =>
      app === 'ingest-api' ? `${this.api}/health` : `http://127.0.0.1:${ports[app]}/health`;
    const envOf = (app: AppName) => ({
      ...env,
      ...(app === 'ingest-api' ? { PORT: String(ports[app]) } : { HEALTH_PORT: String(ports[app]) }),
    });
    this.apps = {
      'ingest-api': new AppHandle('ingest-api', envOf('ingest-api'), health('ingest-api')),
      'processor-worker': new AppHandle('processor-worker', envOf('processor-worker'), health('processor-worker')),
      'ms4-sender': new AppHandle('ms4-sender', envOf('ms4-sender'), health('ms4-sender')),
    };
    this.queues = new QueueWatch(redis.url, queuePrefix);
  }

  /** Starts Redis and both simulators (not the apps: see `startApps`). */
  static async start(opts: SystemOptions): Promise<System> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `ms1-system-${opts.label}-`));
    const undo: (() => Promise<void>)[] = [async () => fs.rmSync(dir, { recursive: true, force: true })];
    try {
      fs.mkdirSync(path.join(dir, 'redis'));
      const redis = await RestartableRedis.start(path.join(dir, 'redis'), {
        appendFsyncAlways: opts.appendFsyncAlways ?? false,
      });
      undo.push(() => redis.stop());
      const graph = await startGraphSim({
        port: 0,
        mailboxes: opts.mailboxes,
        caDir: path.join(dir, 'ca'),
        ...opts.graph,
      });
      undo.push(() => graph.stop());
      trustCa(graph.caPem);
      const ms4 = await startMs4Sim({ port: 0, apiToken: SECRETS.MS4_API_TOKEN, ...opts.ms4 });
      undo.push(() => ms4.stop());
      const ports = {
        'ingest-api': await freePort(),
        'processor-worker': await freePort(),
        'ms4-sender': await freePort(),
      };
      const system = new System(opts, dir, redis, graph, ms4, uniquePrefix(opts.label), ports);
      running.add(system);
      return system;
    } catch (err) {
      for (const u of undo.reverse()) await u().catch(() => undefined);
      throw err;
    }
  }

  /** Starts the given apps one after another, each until its "started" line. */
  async startApps(names: readonly AppName[] = APP_NAMES): Promise<void> {
    for (const name of names) await this.apps[name].start();
  }

  /** Starts a session over every mailbox: manual polling (the first sync runs at once), webhooks as configured. */
  async startSession(): Promise<void> {
    await json(
      `${this.api}/session/start`,
      jsonBody(
        'POST',
        { polling_mode: 'manual', enable_webhook: this.opts.webhooks ?? false, mailboxes: this.opts.mailboxes },
        BEARER,
      ),
    );
  }

  /** `POST /polling/trigger`: a (deduplicated) sync of every mailbox now. */
  async triggerSync(): Promise<void> {
    await json(`${this.api}/polling/trigger`, { method: 'POST', headers: BEARER });
  }

  seed(mailbox: string, count: number, seed: number): Promise<string[]> {
    return this.expectation.seed(this.graph.adminUrl, mailbox, count, seed);
  }

  graphStats(): Promise<StatsSnapshot> {
    return json<StatsSnapshot>(`${this.graph.adminUrl}/stats`);
  }

  async graphConfig(patch: Record<string, unknown>): Promise<void> {
    await json(`${this.graph.adminUrl}/config`, jsonBody('PUT', patch));
  }

  ms4Stats(): Promise<Ms4Stats> {
    return json<Ms4Stats>(`${this.ms4.adminUrl}/stats`);
  }

  async ms4Config(patch: Record<string, unknown>): Promise<void> {
    await json(`${this.ms4.adminUrl}/config`, jsonBody('PUT', patch));
  }

  /** Every invoiceKey ms4-sim stored (each once: MS4 keeps the first version of a key). */
  async ms4Keys(): Promise<string[]> {
    return (await json<{ invoiceKey: string }[]>(`${this.ms4.adminUrl}/items`)).map((i) => i.invoiceKey);
  }

  /** The dead-letter queue as operators see it (`GET /dlq`). */
  async deadLetters(): Promise<DeadLetter[]> {
    const out: DeadLetter[] = [];
    for (let offset = 0; ; offset += 500) {
      const page = await json<{ total: number; items: DeadLetter[] }>(`${this.api}/dlq?offset=${offset}&limit=500`, {
        headers: BEARER,
      });
      out.push(...page.items);
      if (out.length >= page.total || page.items.length === 0) return out;
    }
  }

  /** What each app wrote last and the queues' counts: attached to a failure. */
  async report(): Promise<string> {
    const queues = await Promise.race([
      this.queues.describe(),
      new Promise<string>((r) => setTimeout(() => r('(queues unreadable)'), 3000).unref()),
    ]).catch((err: unknown) => `(queues unreadable: ${String(err)})`);
    return [`queues:\n${queues}`, ...Object.values(this.apps).map((a) => a.logTail())].join('\n');
  }

  /** Stops every process and server of this system (safe to call twice). */
  async stop(): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    running.delete(this);
    await Promise.all(Object.values(this.apps).map((a) => a.stop().catch(() => undefined)));
    await this.queues.close().catch(() => undefined);
    await this.ms4.stop().catch(() => undefined);
    await this.graph.stop().catch(() => undefined);
    await this.redis.stop().catch(() => undefined);
    fs.rmSync(this.dir, { recursive: true, force: true });
  }
}

const running = new Set<System>();

/** For afterEach: stops every system a test left running (a failed or timed-out test included). */
export async function stopAllSystems(): Promise<void> {
  await Promise.all([...running].map((s) => s.stop()));
}

/**
 * Runs one fault case on a fresh system: on failure, the error carries the apps' last output and the queues'
 * counts; whatever happens, everything is stopped. Logs the case's duration.
 */
export async function runCase(opts: SystemOptions, body: (sys: System) => Promise<void>): Promise<void> {
  const t0 = Date.now();
  const sys = await System.start(opts);
  try {
    await body(sys);
    console.log(`system case ${opts.label}: passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  } catch (err) {
    const report = await sys.report().catch(() => '(no report)');
    if (err instanceof Error) err.message = `${err.message}\n\n${report}`;
    throw err;
  } finally {
    await sys.stop();
  }
}
