import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import type { GraphSim } from '@ms1/graph-sim';
import { appEnv, cleanPrefix, freePort, startApp, testRedisUrl, type AppProcess } from '@ms1/test-utils';

/** The control API token `appEnv` gives every app. */
export const CONTROL_TOKEN = 'test-control-token';

export interface ControlAnswer {
  status: number;
  body: Record<string, unknown>;
}

export interface IngestApiHarnessOptions {
  /** The QUEUE_PREFIX of the process, of the queue handles, and of the keys `close` deletes. */
  prefix: string;
  /** The graph-sim the process signs in to and reads mail from (a getter: tests start it in `beforeAll`). */
  sim: () => GraphSim;
  /** Variables on top of `appEnv` and the sim's endpoints, read at each start (the same each time). */
  env: (baseUrl: string) => Record<string, string>;
}

/** ingest-api as a process against graph-sim and the test run's Redis, with its control API and queues at hand. */
export interface IngestApiHarness {
  /** `http://127.0.0.1:<port>`: the port is chosen at the first start and kept by every restart. */
  readonly baseUrl: string;
  /** The process of the last start (still there once stopped, for its output); undefined before the first. */
  readonly process: AppProcess | undefined;
  /** A connection to the test run's Redis, opened on first use, closed by `close`. */
  readonly redis: Redis;
  /** The BullMQ queue of that name under the prefix, opened on first use, closed by `close`. */
  queue(name: string): Queue;
  /** Starts the process (not while one runs) and waits until it is ready. */
  start(): Promise<AppProcess>;
  /** Stops the process; nothing to do when none was started or it has stopped already. */
  stop(): Promise<void>;
  /** Stops the process, closes the queues and the connection, and deletes the prefix's keys. Safe to repeat. */
  close(): Promise<void>;
  /** A control API request with the bearer token; the answer's JSON body. (A function: tests destructure it.) */
  call: (method: string, path: string, body?: unknown) => Promise<ControlAnswer>;
  /** A graph-sim admin request; its JSON answer. */
  admin: (method: string, path: string, body?: unknown) => Promise<Record<string, unknown>>;
}

const jsonBody = (body: unknown) => (body === undefined ? undefined : JSON.stringify(body));

export function ingestApiHarness({ prefix, sim, env }: IngestApiHarnessOptions): IngestApiHarness {
  let port: number | undefined;
  let app: AppProcess | undefined;
  let redis: Redis | undefined;
  const queues = new Map<string, Queue>();

  const baseUrl = () => {
    if (port === undefined) throw new Error('ingest-api was never started: it has no URL yet');
    return `http://127.0.0.1:${port}`;
  };
  const connection = () => (redis ??= new Redis(testRedisUrl(), { maxRetriesPerRequest: null }));

  return {
    get baseUrl() {
      return baseUrl();
    },
    get process() {
      return app;
    },
    get redis() {
      return connection();
    },
    queue(name) {
      let queue = queues.get(name);
      if (!queue) {
        queue = new Queue(name, { connection: connection(), prefix: `{${prefix}}` });
        queues.set(name, queue);
      }
      return queue;
    },
    async start() {
      if (app && app.child.exitCode === null && app.child.signalCode === null)
        throw new Error('ingest-api is running already: stop it first');
      port ??= await freePort();
      const { authorityHost, graphBaseUrl, caFile } = sim();
      app = await startApp('ingest-api', {
        env: appEnv(testRedisUrl(), prefix, {
          PORT: String(port),
          AUTHORITY_HOST: authorityHost,
          GRAPH_BASE_URL: graphBaseUrl,
          NODE_EXTRA_CA_CERTS: caFile,
          ...env(baseUrl()),
        }),
      });
      return app;
    },
    async stop() {
      await app?.stop();
    },
    async close() {
      // Each step on its own, so that one failing (a process that will not stop) leaves nothing else open.
      const failures: unknown[] = [];
      const step = async (run: () => unknown) => {
        try {
          await run();
        } catch (err) {
          failures.push(err);
        }
      };
      await step(() => app?.stop());
      for (const queue of queues.values()) await step(() => queue.close());
      queues.clear();
      await step(() => redis?.disconnect());
      redis = undefined;
      await step(() => cleanPrefix(testRedisUrl(), prefix));
      if (failures.length > 0) throw failures[0];
    },
    call: async (method, path, body) => {
      const r = await fetch(`${baseUrl()}${path}`, {
        method,
        headers: { authorization: `Bearer ${CONTROL_TOKEN}`, 'content-type': 'application/json' },
        body: jsonBody(body),
      });
      return { status: r.status, body: (await r.json()) as Record<string, unknown> };
    },
    admin: async (method, path, body) => {
      const r = await fetch(`${sim().adminUrl}${path}`, {
        method,
        headers: { 'content-type': 'application/json' },
        body: jsonBody(body),
      });
      return (await r.json()) as Record<string, unknown>;
    },
  };
}
