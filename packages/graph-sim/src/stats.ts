/** Request statistics read by GET /_sim/stats. Admin requests are not counted. */
export interface StatsSnapshot {
  requests: {
    total: number;
    byKind: Record<string, number>;
    byMailbox: Record<string, number>;
    byStatus: Record<string, number>;
  };
  throttled: { total: number; concurrency: number; window: number; byMailbox: Record<string, number> };
  /**
   * The pauses the 429s asked for: each 429 tells its client not to come back to that mailbox before its
   * Retry-After has passed. `arrivalsInside` counts requests for the mailbox that arrived while such a pause was
   * still running (a request counts once however many pauses it falls in); `maxArrivalsInOne` is the most requests
   * that arrived inside a single pause.
   */
  retryAfter: {
    given: number;
    arrivalsInside: number;
    byMailbox: Record<string, { given: number; arrivalsInside: number; maxArrivalsInOne: number }>;
  };
  peakConcurrency: Record<string, number>;
  inFlight: Record<string, number>;
  /** Per mailbox: the Graph clock's total service time (ms) of its admitted requests; / 4 = Graph's floor. */
  serviceMs: Record<string, number>;
  bytesServed: number;
  tokenRequests: number;
  tokenRequestsByGrant: Record<string, number>;
  errorsInjected: number;
  notifications: { sent: number; failed: number; dropped: number; lifecycleSent: number; lifecycleFailed: number };
  subscriptions: { validationsSent: number; validationsFailed: number };
}

function inc(map: Record<string, number>, key: string, by = 1): void {
  map[key] = (map[key] ?? 0) + by;
}

export class Stats {
  s: StatsSnapshot = Stats.empty();
  /** Service time in whole microseconds, so that the total is exactly the sum of what each request was given. */
  private serviceUs: Record<string, number> = {};
  /** Per mailbox, the pauses given by 429s that have not ended yet (epoch ms), with the requests that came inside. */
  private pauses = new Map<string, { until: number; arrivals: number }[]>();

  static empty(): StatsSnapshot {
    return {
      requests: { total: 0, byKind: {}, byMailbox: {}, byStatus: {} },
      throttled: { total: 0, concurrency: 0, window: 0, byMailbox: {} },
      retryAfter: { given: 0, arrivalsInside: 0, byMailbox: {} },
      peakConcurrency: {},
      inFlight: {},
      serviceMs: {},
      bytesServed: 0,
      tokenRequests: 0,
      tokenRequestsByGrant: {},
      errorsInjected: 0,
      notifications: { sent: 0, failed: 0, dropped: 0, lifecycleSent: 0, lifecycleFailed: 0 },
      subscriptions: { validationsSent: 0, validationsFailed: 0 },
    };
  }

  reset(): void {
    this.s = Stats.empty();
    this.serviceUs = {};
    this.pauses.clear();
  }

  /** A request for a mailbox has arrived (before admission): counted against every pause still running. */
  arrival(mailbox: string, now = Date.now()): void {
    const running = (this.pauses.get(mailbox) ?? []).filter((p) => p.until > now);
    this.pauses.set(mailbox, running);
    if (running.length === 0) return;
    const m = this.retryAfterOf(mailbox);
    this.s.retryAfter.arrivalsInside++;
    m.arrivalsInside++;
    for (const p of running) {
      p.arrivals++;
      if (p.arrivals > m.maxArrivalsInOne) m.maxArrivalsInOne = p.arrivals;
    }
  }

  /** A 429 told its client to leave the mailbox alone for `retryAfterMs`. */
  retryAfterGiven(mailbox: string, retryAfterMs: number, now = Date.now()): void {
    this.s.retryAfter.given++;
    this.retryAfterOf(mailbox).given++;
    const running = this.pauses.get(mailbox) ?? [];
    running.push({ until: now + retryAfterMs, arrivals: 0 });
    this.pauses.set(mailbox, running);
  }

  private retryAfterOf(mailbox: string): StatsSnapshot['retryAfter']['byMailbox'][string] {
    const by = this.s.retryAfter.byMailbox;
    return (by[mailbox] ??= { given: 0, arrivalsInside: 0, maxArrivalsInOne: 0 });
  }

  service(mailbox: string, ms: number): void {
    inc(this.serviceUs, mailbox, Math.round(ms * 1000));
    this.s.serviceMs[mailbox] = this.serviceUs[mailbox] / 1000;
  }

  request(kind: string, mailbox: string | undefined): void {
    this.s.requests.total++;
    inc(this.s.requests.byKind, kind);
    if (mailbox) inc(this.s.requests.byMailbox, mailbox);
  }

  status(status: number, bytes: number): void {
    inc(this.s.requests.byStatus, String(status));
    this.s.bytesServed += bytes;
  }

  throttled(reason: 'concurrency' | 'window', mailbox: string | undefined): void {
    this.s.throttled.total++;
    this.s.throttled[reason]++;
    if (mailbox) inc(this.s.throttled.byMailbox, mailbox);
  }

  enter(mailbox: string): void {
    inc(this.s.inFlight, mailbox);
    const now = this.s.inFlight[mailbox];
    if (now > (this.s.peakConcurrency[mailbox] ?? 0)) this.s.peakConcurrency[mailbox] = now;
  }

  leave(mailbox: string): void {
    inc(this.s.inFlight, mailbox, -1);
  }

  token(grant: string): void {
    this.s.tokenRequests++;
    inc(this.s.tokenRequestsByGrant, grant);
  }
}
