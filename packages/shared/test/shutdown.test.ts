import { Shutdown } from '../src';
import { memoryLogger } from './helpers';

describe('Shutdown', () => {
  it('runs steps phase by phase, each in its own try/catch', async () => {
    const { logger, text } = memoryLogger();
    const order: string[] = [];
    const s = new Shutdown(logger, 1000)
      .add('redis', () => void order.push('redis'), { phase: 'connections' })
      .add('worker', () => {
        order.push('worker');
        throw new Error('worker close exploded');
      })
      .add('http', async () => void order.push('http'), { phase: 'intake' })
      .add('queues', () => void order.push('queues'), { phase: 'queues' });
    await s.shutdown();
    expect(order).toEqual(['http', 'worker', 'queues', 'redis']);
    expect(text()).toContain('worker close exploded');
  });

  it('bounds a step that never finishes', async () => {
    const { logger, text } = memoryLogger();
    const after = jest.fn();
    const s = new Shutdown(logger, 50)
      .add('stuck', () => new Promise(() => undefined))
      .add('after', after, { phase: 'connections' });
    await s.shutdown(); // resolves at all: the stuck step was given up at its bound
    expect(after).toHaveBeenCalledTimes(1);
    expect(text()).toContain('did not close within 50 ms');
  });

  it('is safe to call twice: the second call returns the first promise', async () => {
    const { logger } = memoryLogger();
    const step = jest.fn(async () => new Promise((r) => setTimeout(r, 20)));
    const s = new Shutdown(logger).add('once', step);
    const a = s.shutdown();
    const b = s.shutdown();
    expect(b).toBe(a);
    await Promise.all([a, b]);
    expect(step).toHaveBeenCalledTimes(1);
    expect(s.started).toBe(true);
  });
});
