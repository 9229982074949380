import type { SeedTally } from './admin/seed-tally';
import type { Credentials, SimConfig } from './options';
import type { JwtKeys } from './identity/jwt';
import type { RequestLog } from './request-log';
import type { Stats } from './stats';
import type { Store } from './state/store';
import type { Limiter } from './throttle/limiter';
import type { Rng } from './util/random';
import type { SubscriptionStore } from './subscriptions/store';
import type { NotificationQueue } from './subscriptions/queue';

/** Everything a handler may need, built once per server. */
export interface SimContext {
  origin: string;
  config: SimConfig;
  credentials?: Credentials;
  keys: JwtKeys;
  store: Store;
  stats: Stats;
  /** Every Graph request answered, for GET /_sim/requests. */
  requests: RequestLog;
  limiter: Limiter;
  rng: Rng;
  subscriptions: SubscriptionStore;
  notifications: NotificationQueue;
  /** What the generator seeded since start or the last reset (`GET /_sim/seed`). */
  seeded: SeedTally;
}
