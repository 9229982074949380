import { AbortedError, CircuitBreaker, type BreakerState } from '../src/breaker';

function clock(start = 1_000_000): { now: () => number; advance: (ms: number) => void } {
  let t = start;
  return { now: () => t, advance: (ms) => (t += ms) };
}

function grant(b: CircuitBreaker) {
  const r = b.tryAcquire();
  if (!('permit' in r)) throw new Error(`expected a permit, got a wait of ${r.waitMs}`);
  return r.permit;
}

describe('CircuitBreaker', () => {
  it('opens after N consecutive failures, waits, sends one probe, and closes on its success', () => {
    const c = clock();
    const changes: BreakerState[] = [];
    const b = new CircuitBreaker({ failures: 3, openMs: 10_000, now: c.now, onChange: (s) => changes.push(s) });
    grant(b).failure();
    grant(b).failure();
    expect(b.state).toBe('closed');
    grant(b).failure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toEqual({ waitMs: 10_000 });
    c.advance(4_000);
    expect(b.tryAcquire()).toEqual({ waitMs: 6_000 });
    c.advance(6_000);
    const probe = grant(b);
    expect(probe.probe).toBe(true);
    expect(b.state).toBe('half-open');
    // While the probe is out, nobody else sends: they wait for its outcome.
    expect(b.tryAcquire()).toEqual({ waitMs: null });
    probe.success();
    expect(b.state).toBe('closed');
    expect(grant(b).probe).toBe(false);
    expect(changes).toEqual(['open', 'half-open', 'closed']);
  });

  it('a success resets the count of consecutive failures', () => {
    const b = new CircuitBreaker({ failures: 2, openMs: 1000, now: clock().now });
    grant(b).failure();
    grant(b).success();
    grant(b).failure();
    expect(b.state).toBe('closed');
    expect(b.consecutiveFailures).toBe(1);
  });

  it('a failed probe opens it again for the full time', () => {
    const c = clock();
    const b = new CircuitBreaker({ failures: 1, openMs: 5000, now: c.now });
    grant(b).failure();
    c.advance(5000);
    grant(b).failure();
    expect(b.state).toBe('open');
    expect(b.tryAcquire()).toEqual({ waitMs: 5000 });
  });

  it('a neutral outcome (429) of the probe leaves the breaker half-open for the next probe', () => {
    const c = clock();
    const b = new CircuitBreaker({ failures: 1, openMs: 100, now: c.now });
    grant(b).failure();
    c.advance(100);
    grant(b).neutral();
    const again = grant(b);
    expect(again.probe).toBe(true);
    again.success();
    expect(b.state).toBe('closed');
  });

  it('a permit reports once; later calls are ignored', () => {
    const b = new CircuitBreaker({ failures: 1, openMs: 100, now: clock().now });
    const p = grant(b);
    p.success();
    p.failure();
    expect(b.state).toBe('closed');
  });

  it('acquire waits for the probe outcome and rejects when aborted', async () => {
    // The breaker's clock is the test's: nothing expires unless the test moves it, however slow the machine.
    const c = clock();
    const b = new CircuitBreaker({ failures: 1, openMs: 30, now: c.now });
    grant(b).failure();
    c.advance(30);
    const probe = await b.acquire();
    expect(probe.probe).toBe(true);
    let settled = false;
    const waiting = b.acquire().finally(() => (settled = true));
    await turns(5);
    expect(settled).toBe(false); // it waits for the probe's outcome, however long that takes
    probe.success();
    const next = await waiting;
    expect(next.probe).toBe(false);

    grant(b).failure();
    const ac = new AbortController();
    const blocked = b.acquire(ac.signal);
    ac.abort();
    await expect(blocked).rejects.toBeInstanceOf(AbortedError);
  });
});

/** Lets pending promise callbacks and timers of the current moment run. */
async function turns(n: number): Promise<void> {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
}

describe('CircuitBreaker probe turns', () => {
  it('gives the probe to the longest waiting caller, so a failed probe goes to the back of the line', async () => {
    const c = clock();
    const b = new CircuitBreaker({ failures: 1, openMs: 30, now: c.now });
    const first = await b.acquire();
    first.failure(); // open until the test moves its clock 30 ms on
    const order: string[] = [];
    const run = async (name: string, outcome: 'failure' | 'success') => {
      const p = await b.acquire();
      order.push(name);
      p[outcome]();
    };
    // A waits first, then B; A's probe fails and A asks again at once: B must probe next, not A.
    const a = (async () => {
      const p = await b.acquire();
      order.push('A');
      p.failure();
      await run('A again', 'success');
    })();
    const bb = run('B', 'failure');
    const until = async (n: number) => {
      while (order.length < n) await new Promise((r) => setTimeout(r, 5));
    };
    c.advance(30); // A's turn
    await until(1);
    c.advance(30); // A's probe reopened it: B's turn
    await until(2);
    c.advance(30); // B's probe reopened it: A again
    await Promise.all([a, bb]);
    expect(order).toEqual(['A', 'B', 'A again']);
    expect(b.state).toBe('closed');
  });
});
