import Joi from 'joi';
import { HttpError, SessionActiveError, type Config, type SessionStore } from '@ms1/shared';
import type { SessionControl } from '../../session/session-control';
import type { QueueOverview } from '../queue-overview';
import type { HttpHandler } from '../route';
import { sessionView } from '../session-view';

export interface StartBody {
  polling_mode: 'scheduled' | 'manual';
  polling_interval: number;
  enable_webhook?: boolean;
  mailboxes?: string[];
}

export const startBody = Joi.object<StartBody>({
  polling_mode: Joi.string().valid('scheduled', 'manual').default('scheduled'),
  polling_interval: Joi.number().integer().min(5).max(86_400).default(300),
  enable_webhook: Joi.boolean(),
  mailboxes: Joi.array().items(Joi.string().trim().min(1).max(320)).min(1).max(1000).unique(),
}).unknown(false);

export interface StopBody {
  reason: string;
}

export const stopBody = Joi.object<StopBody>({ reason: Joi.string().max(200).default('user_requested') }).unknown(
  false,
);

/** `POST /session/start`, `POST /session/stop`, `GET /session/status`, `GET /session/history`. */
export function sessionHandlers(deps: {
  control: SessionControl;
  store: SessionStore;
  config: Config;
  overview: QueueOverview;
}) {
  const { control, store, config, overview } = deps;
  const webhookReady = Boolean(config.webhooks.publicBaseUrl && config.webhooks.clientState);

  const start: HttpHandler<StartBody> = async ({ body }) => {
    if (body.enable_webhook && !webhookReady)
      throw HttpError.badRequest(
        'enable_webhook',
        'enable_webhook: webhooks need PUBLIC_BASE_URL and WEBHOOK_CLIENT_STATE to be configured',
      );
    const mailboxes = body.mailboxes ?? [...config.graph.mailboxes];
    if (mailboxes.length === 0) throw HttpError.badRequest('mailboxes', 'mailboxes: none given and MAILBOXES is empty');
    try {
      const session = await control.start({
        pollingMode: body.polling_mode,
        pollingIntervalSeconds: body.polling_interval,
        enableWebhook: body.enable_webhook ?? webhookReady,
        mailboxes,
        folder: config.graph.folder,
      });
      return { status: 201, body: sessionView(session) };
    } catch (err) {
      if (err instanceof SessionActiveError)
        throw new HttpError(409, err.message, { details: { session: sessionView(err.session) } });
      throw err;
    }
  };

  const stop: HttpHandler<StopBody> = async ({ body }) => {
    const session = await control.stop(body.reason);
    if (!session) throw new HttpError(409, 'no active session');
    return { status: 200, body: sessionView(session) };
  };

  const status: HttpHandler = async () => {
    const [session, queues] = await Promise.all([store.current(), overview.snapshot()]);
    return {
      status: 200,
      body: {
        session: session ? sessionView(session) : null,
        active: Boolean(session),
        services: queues.services,
        queues: queues.counts,
      },
    };
  };

  const history: HttpHandler = async () => {
    const sessions = await store.history();
    return { status: 200, body: { sessions: sessions.map(sessionView) } };
  };

  return { start, stop, status, history };
}
