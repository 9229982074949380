import { Redis } from 'ioredis';
import { startRedisCluster, uniquePrefix, type PrivateRedisCluster } from '@ms1/test-utils';
import { expectComplete } from './helpers/completeness';
import { stopAllSystems, System } from './helpers/system';

// Queue sharding by mailbox on one Redis Cluster: two complete deployments (three apps each), each with its own
// QUEUE_PREFIX (hash tag) and its own mailboxes, the two prefixes' slots on two different masters. Both shards end
// complete, every key of a shard lives on its own master only, and no app met CROSSSLOT.
const SHARDS = [
  { label: 'shard-a', mailboxes: ['a1@contoso.example', 'a2@contoso.example'], emails: 150 },
  { label: 'shard-b', mailboxes: ['b1@contoso.example', 'b2@contoso.example'], emails: 150 },
];

afterEach(stopAllSystems);

/** `host:port` of the master serving the slot of `{prefix}` (every key of the prefix). */
async function masterOf(cluster: PrivateRedisCluster, prefix: string): Promise<string> {
  const r = new Redis(`redis://${cluster.nodes[0]}`, { maxRetriesPerRequest: 1 });
  try {
    const slot = Number(await r.call('CLUSTER', 'KEYSLOT', `{${prefix}}`));
    const ranges = (await r.call('CLUSTER', 'SLOTS')) as [number, number, [string, number]][];
    const owner = ranges.find(([from, to]) => slot >= from && slot <= to)?.[2];
    if (!owner) throw new Error(`no master for slot ${slot}`);
    return `${owner[0]}:${owner[1]}`;
  } finally {
    r.disconnect();
  }
}

/** How many keys of `{prefix}` each node holds. */
async function keysPerNode(cluster: PrivateRedisCluster, prefix: string): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const node of cluster.nodes) {
    const r = new Redis(`redis://${node}`, { maxRetriesPerRequest: 1 });
    try {
      let n = 0;
      let cursor = '0';
      do {
        const [next, keys] = await r.scan(cursor, 'MATCH', `\\{${prefix}\\}:*`, 'COUNT', 1000);
        cursor = next;
        n += keys.length;
      } while (cursor !== '0');
      out[node] = n;
    } finally {
      r.disconnect();
    }
  }
  return out;
}

describe('queues sharded over two hash tags on a Redis Cluster', () => {
  it('two shards (a prefix and its mailboxes each) on two masters both end complete, keys apart, no CROSSSLOT', async () => {
    const cluster = await startRedisCluster({ masters: 3 });
    const systems: System[] = [];
    try {
      // Prefixes whose slots sit on two different masters (as an operator would place them).
      const prefixA = uniquePrefix('shard-a');
      const masterA = await masterOf(cluster, prefixA);
      let prefixB = uniquePrefix('shard-b');
      while ((await masterOf(cluster, prefixB)) === masterA) prefixB = uniquePrefix('shard-b');
      const masterB = await masterOf(cluster, prefixB);
      const prefixes = [prefixA, prefixB];

      for (const [i, shard] of SHARDS.entries()) {
        const sys = await System.start({
          label: shard.label,
          mailboxes: shard.mailboxes,
          redisCluster: cluster,
          queuePrefix: prefixes[i],
        });
        systems.push(sys);
        for (const [j, mailbox] of shard.mailboxes.entries())
          await sys.seed(mailbox, shard.emails / 2, 3000 + 10 * i + j);
      }
      for (const sys of systems) await sys.startApps();
      for (const sys of systems) await sys.startSession();
      const figures = [];
      for (const sys of systems) figures.push(await expectComplete(sys, { timeoutMs: 240_000 }));

      const placement = [await keysPerNode(cluster, prefixA), await keysPerNode(cluster, prefixB)];
      for (const [i, master] of [masterA, masterB].entries()) {
        const perNode = placement[i] ?? {};
        expect(perNode[master]).toBeGreaterThan(0);
        expect(Object.entries(perNode).filter(([node, n]) => node !== master && n > 0)).toEqual([]);
      }
      for (const sys of systems)
        for (const app of sys.allApps())
          expect({ app: app.name, crossSlot: /CROSSSLOT/i.test(app.output()) }).toEqual({
            app: app.name,
            crossSlot: false,
          });
      console.log(
        `redis shards: ${prefixA} on ${masterA}, ${prefixB} on ${masterB}; ${JSON.stringify(figures)}; keys per node ${JSON.stringify(placement)}`,
      );
    } catch (err) {
      const reports = await Promise.all(systems.map((s) => s.report().catch(() => '(no report)')));
      if (err instanceof Error) err.message = `${err.message}\n\n${reports.join('\n')}`;
      throw err;
    } finally {
      await Promise.all(systems.map((s) => s.stop()));
      await cluster.stop();
    }
  }, 600_000);
});
