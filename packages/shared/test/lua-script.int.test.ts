import { Redis } from 'ioredis';
import { startRedisServer, type PrivateRedis } from '@ms1/test-utils';
import { LuaScript } from '../src';

// A redis-server of its own: the test counts the commands Redis executed, so nothing else may talk to it.
describe('LuaScript (real Redis)', () => {
  let server: PrivateRedis;
  let redis: Redis;
  beforeAll(async () => {
    server = await startRedisServer();
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis.disconnect();
    await server.stop();
  });

  async function calls(): Promise<{ eval: number; evalsha: number }> {
    const stats = await redis.info('commandstats');
    const count = (cmd: string): number =>
      Number(new RegExp(`^cmdstat_${cmd}:calls=(\\d+)`, 'm').exec(stats)?.[1] ?? 0);
    return { eval: count('eval'), evalsha: count('evalsha') };
  }

  it('sends its body once, then only its SHA1, and again after Redis forgot its scripts', async () => {
    const incr = new LuaScript(`return redis.call('INCRBY', KEYS[1], ARGV[1])`);
    const before = await calls();
    expect(await incr.run(redis, ['n'], [2])).toBe(2); // NOSCRIPT, then EVAL with the body
    expect(await incr.run(redis, ['n'], [3])).toBe(5);
    expect(await incr.run(redis, ['n'], [4])).toBe(9);
    const after = await calls();
    expect(after.eval - before.eval).toBe(1);
    expect(after.evalsha - before.evalsha).toBe(3);

    await redis.script('FLUSH'); // what a restart without persistence does to the script cache
    expect(await incr.run(redis, ['n'], [1])).toBe(10);
    expect((await calls()).eval - after.eval).toBe(1);
  });

  it("passes a script's own errors on", async () => {
    const failing = new LuaScript(`return redis.error_reply('ERR refused by the script')`);
    await expect(failing.run(redis, [], [])).rejects.toThrow('refused by the script');
  });
});
