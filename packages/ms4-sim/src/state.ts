// The simulator's shared state, handed to the route handlers.
import type { Faults } from './faults';
import type { RequestLog } from './request-log';
import type { Stats } from './stats';
import type { Store } from './store';

export interface SimState {
  faults: Faults;
  store: Store;
  stats: Stats;
  /** Every /batch-metadata request: arrival, answer, status. */
  requests: RequestLog;
  /** When set, /batch-metadata requires `Authorization: Bearer <apiToken>`. */
  apiToken: string | undefined;
  /** A delay that stop() cuts short. */
  sleep(ms: number): Promise<void>;
}
