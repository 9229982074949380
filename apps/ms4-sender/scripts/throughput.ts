// Measures ms4-sender throughput (batches/s, items/s) against ms4-sim and a private redis-server, for a matrix of
// settings. Prints one JSON line per run and a table; asserts nothing.
//   pnpm --filter @ms1/ms4-sender throughput -- --items 10000 --batch 50,100,250 --rate 20,50 --replicas 1,2 --latency-ms 0,20
// Needs the built app (pnpm exec tsc --build apps/ms4-sender).
import { startRedisServer, waitFor } from '@ms1/test-utils';
import { harness, makeItem } from '../test/fixtures';

function list(name: string, def: string): number[] {
  const i = process.argv.indexOf(`--${name}`);
  const raw = i >= 0 ? (process.argv[i + 1] ?? def) : def;
  return raw
    .split(',')
    .map(Number)
    .filter((n) => Number.isFinite(n));
}

interface Row {
  items: number;
  batch: number;
  waitMs: number;
  rate: number;
  replicas: number;
  latencyMs: number;
  seconds: number;
  batches: number;
  batchesPerS: number;
  itemsPerS: number;
  meanBatch: number;
  duplicates: number;
}

async function runOnce(
  redisUrl: string,
  o: { items: number; batch: number; waitMs: number; rate: number; replicas: number; latencyMs: number },
): Promise<Row> {
  const h = await harness(redisUrl, { latency: { fixedMs: o.latencyMs } });
  try {
    await h.addItems(Array.from({ length: o.items }, (_, i) => makeItem(h.run, i)));
    const env = {
      MS4_BATCH_MAX_ITEMS: String(o.batch),
      MS4_BATCH_MAX_WAIT_MS: String(o.waitMs),
      MS4_MAX_REQUESTS_PER_SECOND: String(o.rate),
      LOG_LEVEL: 'info',
    };
    const senders = await Promise.all(Array.from({ length: o.replicas }, () => h.startSender(env)));
    try {
      await waitFor(async () => (await h.stats()).uniqueKeys >= o.items, {
        timeoutMs: Number(process.env.THROUGHPUT_TIMEOUT_MS ?? 600_000),
        intervalMs: 100,
        what: 'all items',
      });
    } catch (err) {
      for (const p of senders) console.error(p.output().slice(-3000));
      throw err;
    }
    const s = await h.stats();
    // From MS4's first to last accepted item: start-up of the processes is not the sender's throughput.
    const seconds = (Date.parse(s.lastItemAt ?? '') - Date.parse(s.firstItemAt ?? '')) / 1000;
    return {
      ...o,
      seconds,
      batches: s.batches,
      batchesPerS: s.batches / seconds,
      itemsPerS: s.itemsReceived / seconds,
      meanBatch: s.meanBatch,
      duplicates: s.duplicates,
    };
  } finally {
    await h.close();
  }
}

async function main(): Promise<void> {
  const items = list('items', '10000')[0] ?? 10_000;
  const waitMs = list('wait-ms', '1000')[0] ?? 1000;
  const redis = await startRedisServer();
  const rows: Row[] = [];
  try {
    for (const latencyMs of list('latency-ms', '0'))
      for (const replicas of list('replicas', '1'))
        for (const rate of list('rate', '20'))
          for (const batch of list('batch', '50,100,250,500')) {
            const row = await runOnce(redis.url, { items, batch, waitMs, rate, replicas, latencyMs });
            console.log(JSON.stringify(row));
            rows.push(row);
          }
  } finally {
    await redis.stop();
  }
  console.log('\nlatency ms | replicas | rate limit/s | batch | batches/s | items/s | mean batch | seconds');
  for (const r of rows) {
    console.log(
      `${r.latencyMs} | ${r.replicas} | ${r.rate} | ${r.batch} | ${r.batchesPerS.toFixed(1)} | ${r.itemsPerS.toFixed(0)} | ${r.meanBatch.toFixed(1)} | ${r.seconds.toFixed(2)}`,
    );
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
