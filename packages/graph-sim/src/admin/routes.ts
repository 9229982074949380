import express, { type Request, type Response } from 'express';
import type { SimContext } from '../context';
import { applyConfigPatch } from '../options';
import { sendLifecycle, type LifecycleEvent } from '../subscriptions/notifier';
import { injectRoute } from './inject/route';
import { seedMailbox } from './seed';

const LIFECYCLE: LifecycleEvent[] = ['reauthorizationRequired', 'subscriptionRemoved', 'missed'];

function bad(res: Response, status: number, message: string): void {
  res.status(status).json({ error: { code: 'BadRequest', message } });
}

function param(req: Request, name: string): string {
  const v = req.params[name];
  return typeof v === 'string' ? v : '';
}

/** Admin API under /_sim: no auth, not throttled, not counted in Graph stats. */
export function adminRouter(ctx: SimContext, hooks: { reset: () => Promise<void> }): express.Router {
  const r = express.Router();
  // Before the JSON body parser: a message of up to 150 MB is read as a stream.
  r.post('/users/:mailbox/messages', injectRoute(ctx));
  r.use(express.json({ limit: '10mb' }));

  r.get('/users/:mailbox/messages', (req, res) => {
    const mb = ctx.store.find(param(req, 'mailbox'));
    if (!mb) return bad(res, 404, 'unknown mailbox');
    res.json({
      mailbox: mb.address,
      mailboxId: mb.id,
      count: mb.messages.size,
      messages: mb.list().map((m) => ({
        id: m.key,
        restId: m.restId,
        internetMessageId: m.data.internetMessageId,
        subject: m.data.subject,
        isRead: m.data.isRead,
        categories: m.data.categories ?? [],
        receivedDateTime: m.data.receivedDateTime,
        folder: mb.folders.pathOf(m.data.parentFolderId ?? ''),
        folderId: m.data.parentFolderId,
        attachments: m.attachments.length,
        size: m.attachments.reduce((n, a) => n + a.content.size, 0),
      })),
    });
  });

  r.post('/seed', async (req, res) => {
    const b = (req.body ?? {}) as Record<string, unknown>;
    if (typeof b.mailbox !== 'string' || !b.mailbox) return bad(res, 400, 'mailbox is required');
    const count = typeof b.count === 'number' ? b.count : NaN;
    if (!Number.isInteger(count) || count < 0 || count > 100_000)
      return bad(res, 400, 'count must be an integer 0..100000');
    const seed = typeof b.seed === 'number' ? b.seed : 1;
    const baseDate = typeof b.baseDate === 'string' ? new Date(b.baseDate) : undefined;
    res.status(201).json(await seedMailbox(ctx, b.mailbox, count, seed, baseDate));
  });

  r.get('/seed', (_req, res) => {
    res.json(ctx.seeded);
  });

  r.get('/stats', (_req, res) => {
    res.json(ctx.stats.s);
  });

  // Every Graph request answered, oldest first: ?mailbox=, ?kind=, ?afterSeq= (only those that arrived later).
  r.get('/requests', (req, res) => {
    const text = (name: string): string | undefined =>
      typeof req.query[name] === 'string' ? (req.query[name] as string) : undefined;
    const after = text('afterSeq');
    if (after !== undefined && !/^\d+$/.test(after)) return bad(res, 400, 'afterSeq must be a whole number');
    res.json({
      lastSeq: ctx.requests.lastSeq,
      requests: ctx.requests.query({
        mailbox: text('mailbox'),
        kind: text('kind'),
        afterSeq: after === undefined ? undefined : Number(after),
      }),
    });
  });

  r.get('/config', (_req, res) => {
    res.json(ctx.config);
  });

  r.put('/config', (req, res) => {
    const err = applyConfigPatch(ctx.config, req.body);
    if (err) return bad(res, 400, err);
    if (typeof req.body === 'object' && req.body !== null && 'throttle' in req.body) ctx.limiter.resetWindows();
    res.json(ctx.config);
  });

  r.post('/users/:mailbox/lifecycle', async (req, res) => {
    const ev = (req.body as { event?: unknown } | undefined)?.event;
    if (typeof ev !== 'string' || !LIFECYCLE.includes(ev as LifecycleEvent))
      return bad(res, 400, `event must be one of ${LIFECYCLE.join(', ')}`);
    const mb = ctx.store.find(param(req, 'mailbox'));
    if (!mb) return bad(res, 404, 'unknown mailbox');
    res.json(await sendLifecycle(ctx, mb, ev as LifecycleEvent));
  });

  r.post('/users/:mailbox/expire-delta', (req, res) => {
    const mb = ctx.store.find(param(req, 'mailbox'));
    if (!mb) return bad(res, 404, 'unknown mailbox');
    mb.epoch++;
    res.json({ mailbox: mb.address, epoch: mb.epoch });
  });

  r.get('/subscriptions', (_req, res) => {
    res.json({ value: ctx.subscriptions.all().map((s) => s.data) });
  });

  r.post('/reset', async (_req, res) => {
    await hooks.reset();
    res.json({ reset: true });
  });

  r.use((_req, res) => bad(res, 404, 'unknown admin path'));
  return r;
}
