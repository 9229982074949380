import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { startRedisServer, type PrivateRedis } from './redis-server';

const run = promisify(execFile);

export interface PrivateRedisCluster {
  /** `127.0.0.1:port` of every master. */
  nodes: readonly string[];
  /** The value of REDIS_CLUSTER_NODES for the apps (and a REDIS_URL of the first node, for tools that want one). */
  env: { REDIS_CLUSTER_NODES: string; REDIS_URL: string };
  /** Stops every node and deletes their folders; safe to call twice. */
  stop(): Promise<void>;
}

/**
 * A private Redis Cluster of `masters` nodes (3 by default, no replicas) on free ports: `redis-server` processes in
 * cluster mode joined with `redis-cli --cluster create`, each slot served before it resolves. Noeviction and no
 * persistence, like the single test server.
 */
export async function startRedisCluster(opts: { masters?: number } = {}): Promise<PrivateRedisCluster> {
  const masters = opts.masters ?? 3;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-redis-cluster-'));
  const servers: PrivateRedis[] = [];
  let stopping: Promise<void> | null = null;
  const stop = () =>
    (stopping ??= (async () => {
      await Promise.all(servers.map((s) => s.stop()));
      fs.rmSync(root, { recursive: true, force: true });
    })());
  try {
    for (let i = 0; i < masters; i++) {
      const dir = path.join(root, `node-${i}`);
      fs.mkdirSync(dir);
      servers.push(
        await startRedisServer({
          dir,
          extraArgs: [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            path.join(dir, 'nodes.conf'),
            '--cluster-node-timeout',
            '5000',
          ],
        }),
      );
    }
    const nodes = servers.map((s) => `127.0.0.1:${s.port}`);
    await run('redis-cli', ['--cluster', 'create', ...nodes, '--cluster-replicas', '0', '--cluster-yes'], {
      timeout: 60_000,
    });
    await Promise.all(servers.map((s) => waitClusterOk(s.url)));
    return {
      nodes,
      env: { REDIS_CLUSTER_NODES: nodes.join(','), REDIS_URL: servers[0]?.url ?? '' },
      stop,
    };
  } catch (err) {
    await stop();
    throw err;
  }
}

/** Waits until a node reports `cluster_state:ok` (every slot has a master it knows). */
async function waitClusterOk(url: string): Promise<void> {
  const r = new Redis(url, { maxRetriesPerRequest: 1, lazyConnect: true });
  r.on('error', () => undefined);
  try {
    await r.connect();
    const deadline = Date.now() + 30_000;
    for (;;) {
      const info = String(await r.call('CLUSTER', 'INFO'));
      if (/cluster_state:ok/.test(info)) return;
      if (Date.now() > deadline) throw new Error(`Redis Cluster node ${url} not ok within 30 s:\n${info}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  } finally {
    r.disconnect();
  }
}
