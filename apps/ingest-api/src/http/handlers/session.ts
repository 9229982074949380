import Joi from 'joi';
import { HttpError, SessionActiveError, type IngestApiConfig, type SessionStore } from '@ms1/shared';
import type { SessionControl } from '../../session/session-control';
import { sessionSettings, startRequest, StartRequestError, type StartRequest } from '../../session/settings';
import type { QueueOverview } from '../queue-overview';
import type { HttpHandler } from '../route';
import { sessionView } from '../session-view';

export type StartBody = StartRequest;
export const startBody = startRequest;

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
  config: IngestApiConfig;
  overview: QueueOverview;
}) {
  const { control, store, config, overview } = deps;
  const start: HttpHandler<StartBody> = async ({ body }) => {
    let settings;
    try {
      settings = sessionSettings(body, config);
    } catch (err) {
      if (err instanceof StartRequestError) throw HttpError.badRequest(err.field, err.message);
      throw err;
    }
    try {
      const session = await control.start(settings);
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
