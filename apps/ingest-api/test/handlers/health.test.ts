import { closeRedis, createRedis, HttpError, loadConfig } from '@ms1/shared';
import { freePort } from '@ms1/test-utils';
import { healthHandlers } from '../../src/http/handlers/health';
import { httpHarness } from '../helpers/http-harness';

const input = { params: {}, query: {}, body: {}, headers: {} };

describe('health handler', () => {
  it('answers 200 while Redis answers', async () => {
    const h = await httpHarness();
    try {
      expect(await h.handlers.health.health(input)).toEqual({
        status: 200,
        body: { status: 'ok', redis: 'up', roles: ['http', 'sync'] },
      });
    } finally {
      await h.close();
    }
  });

  it('answers 503 in the error shape when nothing listens where Redis should be', async () => {
    const config = loadConfig('tool', { REDIS_URL: `redis://127.0.0.1:${await freePort()}` });
    const connection = createRedis(config.redis, { role: 'http', commandTimeoutMs: 300 });
    connection.on('error', () => undefined);
    try {
      const err = await healthHandlers({ connection, roles: ['http'], timeoutMs: 300 })
        .health(input)
        .catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpError);
      expect((err as HttpError).status).toBe(503);
      expect((err as HttpError).headers).toMatchObject({ 'Retry-After': '5' });
      expect((err as HttpError).body()).toEqual({
        error: {
          code: 'unavailable',
          message: 'Redis does not answer within 300 ms',
          checks: { redis: 'down' },
          roles: ['http'],
        },
      });
    } finally {
      await closeRedis(connection);
    }
  });
});
