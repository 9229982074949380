import { Shutdown } from '../src';
import { memoryLogger } from './helpers';

// The steps of one phase close side by side, and the whole shutdown keeps to its budget. Both are shown by what
// the steps see (one waits for the other to have started; a step stuck for an hour), not by a clock.
const HOUR_MS = 3_600_000;

describe('Shutdown: parallel phases and a total budget', () => {
  it('closes the steps of one phase side by side', async () => {
    const { logger, text } = memoryLogger();
    let secondStarted!: () => void;
    const second = new Promise<void>((resolve) => (secondStarted = resolve));
    const order: string[] = [];
    const s = new Shutdown(logger, HOUR_MS)
      // The first worker can only finish once the second has started closing: in a row, it would never finish.
      .add('worker 1', async () => {
        await second;
        order.push('worker 1 closed');
      })
      .add('worker 2', () => {
        secondStarted();
        order.push('worker 2 closed');
      })
      .add('queues', () => void order.push('queues closed'), { phase: 'queues' });
    await s.shutdown();
    expect(order).toEqual(['worker 2 closed', 'worker 1 closed', 'queues closed']);
    expect(text()).not.toContain('did not close');
  });

  it('keeps to its total budget: a stuck step is given up at the budget, later phases are still started', async () => {
    const { logger, lines } = memoryLogger();
    const later: string[] = [];
    const s = new Shutdown(logger, HOUR_MS, 200)
      .add('stuck worker', () => new Promise(() => undefined), { timeoutMs: HOUR_MS })
      .add('redis', () => void later.push('redis'), { phase: 'connections' });
    await s.shutdown();
    expect(later).toEqual(['redis']);
    const warning = lines().find((l) => l.message === 'shutdown step "stuck worker" failed');
    expect(JSON.stringify(warning?.err)).toContain('of the 200 ms shutdown budget');
  });

  it('reports a failing step and goes on with the others of its phase', async () => {
    const { logger, text } = memoryLogger();
    const closed: string[] = [];
    const s = new Shutdown(logger, 1000)
      .add('broken', () => {
        throw new Error('close exploded');
      })
      .add('fine', async () => void closed.push('fine'));
    await s.shutdown();
    expect(closed).toEqual(['fine']);
    expect(text()).toContain('close exploded');
  });
});
