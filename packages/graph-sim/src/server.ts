import type { AddressInfo } from 'node:net';
import { createServer, type Server } from 'node:https';
import express, { type NextFunction, type Request, type Response } from 'express';
import { adminRouter } from './admin/routes';
import { seedMailbox } from './admin/seed';
import { emptySeedTally } from './admin/seed-tally';
import { ContentStore } from './content/content-store';
import type { SimContext } from './context';
import { graphRouter } from './graph/express';
import { identityRouter } from './identity/routes';
import { createJwtKeys } from './identity/jwt';
import { configFromOptions, type GraphSimOptions } from './options';
import { RequestLog } from './request-log';
import { Stats } from './stats';
import { Store } from './state/store';
import { notifyMailEvent } from './subscriptions/notifier';
import { SubscriptionStore } from './subscriptions/store';
import { NotificationQueue } from './subscriptions/queue';
import { Limiter } from './throttle/limiter';
import { createTls } from './tls/ca';
import { createRng } from './util/random';

export interface GraphSim {
  graphBaseUrl: string;
  authorityHost: string;
  adminUrl: string;
  caFile: string;
  caPem: string;
  port: number;
  /** Live state, for in-process tests. */
  context: SimContext;
  stop(): Promise<void>;
}

function listen(server: Server, port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Starts graph-sim over HTTPS with a new CA, or the one an earlier start kept in `opts.caDir`. */
export async function startGraphSim(opts: GraphSimOptions = {}): Promise<GraphSim> {
  const host = opts.host ?? '127.0.0.1';
  const tls = createTls(opts.caDir, opts.hostnames ?? []);
  const config = configFromOptions(opts);
  const content = await ContentStore.open(opts.spoolDir);
  const ctx: SimContext = {
    origin: '',
    config,
    credentials: opts.credentials,
    keys: createJwtKeys(),
    store: new Store(content),
    stats: new Stats(),
    requests: new RequestLog(),
    limiter: new Limiter(() => config),
    rng: createRng(opts.randomSeed ?? 1),
    subscriptions: new SubscriptionStore(),
    notifications: new NotificationQueue(() => ctx.stats),
    seeded: emptySeedTally(),
  };
  ctx.store.onMail((mb, ev) => notifyMailEvent(ctx, mb, ev));
  const createMailboxes = (): void => {
    for (const m of opts.mailboxes ?? []) ctx.store.getOrCreate(m);
  };
  createMailboxes();

  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(
    '/_sim',
    adminRouter(ctx, {
      reset: async () => {
        ctx.store.reset();
        await content.renew();
        ctx.subscriptions.clear();
        ctx.notifications.clear();
        ctx.stats.reset();
        ctx.requests.reset();
        ctx.limiter.reset();
        ctx.seeded = emptySeedTally();
        createMailboxes();
      },
    }),
  );
  app.use('/v1.0', graphRouter(ctx));
  app.use(identityRouter(ctx));
  app.use((_req: Request, res: Response) => {
    res.status(404).json({ error: { code: 'NotFound', message: 'graph-sim: unknown path' } });
  });
  app.use((err: Error, _req: Request, res: Response, _next: NextFunction) => {
    const status = (err as Error & { status?: number }).status ?? 500;
    res
      .status(status)
      .json({ error: { code: status === 400 ? 'BadRequest' : 'generalException', message: err.message } });
  });

  // Seeded before listening: a client that reaches the server sees every seeded e-mail (compose health checks).
  try {
    if (opts.seed && opts.seed > 0) {
      for (const m of opts.mailboxes ?? []) await seedMailbox(ctx, m, opts.seed, opts.randomSeed ?? 1);
    }
  } catch (e) {
    await content.close();
    throw e;
  }

  const server = createServer({ key: tls.keyPem, cert: tls.certPem }, app);
  server.keepAliveTimeout = 5_000;
  let port: number;
  try {
    port = await listen(server, opts.port ?? 0, host);
  } catch (e) {
    await content.close();
    throw e;
  }
  const publicHost = opts.hostnames?.[0] ?? (host === '0.0.0.0' ? '127.0.0.1' : host);
  const origin = `https://${publicHost.includes(':') ? `[${publicHost}]` : publicHost}:${port}`;
  ctx.origin = origin;

  const sweeper = setInterval(() => ctx.subscriptions.sweep(), 1_000);
  sweeper.unref();

  return {
    graphBaseUrl: `${origin}/v1.0`,
    authorityHost: origin,
    adminUrl: `${origin}/_sim`,
    caFile: tls.caFile,
    caPem: tls.caPem,
    port,
    context: ctx,
    stop: async () => {
      clearInterval(sweeper);
      ctx.notifications.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await content.close();
    },
  };
}
