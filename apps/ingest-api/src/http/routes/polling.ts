import type { SessionStore } from '@ms1/shared';
import type { SessionControl } from '../../session/session-control';
import { HttpError, type HttpHandler } from '../types';

export function pollingRoutes(deps: { control: SessionControl; store: SessionStore }) {
  const trigger: HttpHandler = async () => {
    const session = await deps.store.current();
    if (!session) throw new HttpError(409, 'no active session: start one with POST /session/start');
    const mailboxes = await deps.control.triggerSync(session, 'manual');
    return { status: 202, body: { status: 'accepted', session_id: session.sessionId, mailboxes } };
  };
  return { trigger };
}
