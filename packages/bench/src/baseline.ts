// Raw BullMQ baseline: N jobs through three queues (bulk add to q1, a worker forwards each to q2, another to q3,
// a third completes them). No MS1 code: the ceiling that Redis and BullMQ set on this machine.
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';

export interface BaselineResult {
  jobs: number;
  wallSeconds: number;
  jobsPerSecond: number;
  concurrency: number;
}

const PAYLOAD = 'x'.repeat(400); // about the size of a process-email job

export async function runBaseline(
  redisUrl: string,
  jobs: number,
  concurrency: number,
  onProgress: (done: number) => void,
): Promise<BaselineResult> {
  const prefix = '{bench-baseline}';
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const opts = { connection, prefix };
  const keep = { removeOnComplete: { age: 3600, count: 2000 }, removeOnFail: { count: 10_000 } };
  const [q1, q2, q3] = ['q1', 'q2', 'q3'].map((n) => new Queue(n, opts)) as [Queue, Queue, Queue];
  let done = 0;
  let resolveAll: () => void = () => undefined;
  const all = new Promise<void>((r) => (resolveAll = r));
  const conns: Redis[] = [connection];
  const workerOpts = (c: number) => {
    const conn = new Redis(redisUrl, { maxRetriesPerRequest: null });
    conns.push(conn);
    return { connection: conn, prefix, concurrency: c };
  };
  const workers = [
    new Worker(
      'q1',
      async (job) => void (await q2.add('step2', job.data, { jobId: job.id, ...keep })),
      workerOpts(concurrency),
    ),
    new Worker(
      'q2',
      async (job) => void (await q3.add('step3', job.data, { jobId: job.id, ...keep })),
      workerOpts(concurrency),
    ),
    new Worker(
      'q3',
      async () => {
        done++;
        if (done === jobs) resolveAll();
      },
      workerOpts(concurrency),
    ),
  ];
  const progress = setInterval(() => onProgress(done), 250);
  try {
    await Promise.all(workers.map((w) => w.waitUntilReady()));
    const start = Date.now();
    for (let i = 0; i < jobs; i += 1000) {
      const n = Math.min(1000, jobs - i);
      await q1.addBulk(
        Array.from({ length: n }, (_, k) => ({
          name: 'step1',
          data: { i: i + k, payload: PAYLOAD },
          opts: { jobId: `b${i + k}`, ...keep },
        })),
      );
    }
    await all;
    const wallSeconds = (Date.now() - start) / 1000;
    onProgress(done);
    return {
      jobs,
      wallSeconds: Math.round(wallSeconds * 100) / 100,
      jobsPerSecond: Math.round((jobs / wallSeconds) * 10) / 10,
      concurrency,
    };
  } finally {
    clearInterval(progress);
    await Promise.all(workers.map((w) => w.close()));
    await Promise.all([q1, q2, q3].map((q) => q.obliterate({ force: true }).catch(() => undefined)));
    await Promise.all([q1, q2, q3].map((q) => q.close()));
    for (const c of conns) c.disconnect();
  }
}
