// Redis commands the run sent, per invoice and by command (INFO commandstats, the run's difference): every command is
// CPU in Redis and in the app that sends it, so their count is the queue layer's cost.

import { Redis } from 'ioredis';
import { round2 } from './stats';

export interface RedisCommands {
  perInvoice: number;
  /** The ten most called commands, calls per invoice. */
  topPerInvoice: Record<string, number>;
}

async function commandCalls(url: string): Promise<Map<string, number>> {
  const r = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const calls = new Map<string, number>();
    for (const m of (await r.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm)) {
      if (m[1] && m[2]) calls.set(m[1], Number(m[2]));
    }
    return calls;
  } finally {
    r.disconnect();
  }
}

export async function startRedisCommandCount(url: string): Promise<{ read(invoices: number): Promise<RedisCommands> }> {
  const atStart = await commandCalls(url);
  return {
    read: async (invoices) => {
      const atEnd = await commandCalls(url);
      const diff = [...atEnd].map(([cmd, n]): [string, number] => [cmd, n - (atStart.get(cmd) ?? 0)]);
      const per = (n: number): number => round2(n / Math.max(1, invoices));
      const top = diff.filter(([, n]) => n > 0).sort((a, b) => b[1] - a[1]);
      return {
        perInvoice: per(diff.reduce((sum, [, n]) => sum + n, 0)),
        topPerInvoice: Object.fromEntries(top.slice(0, 10).map(([cmd, n]) => [cmd, per(n)])),
      };
    },
  };
}
