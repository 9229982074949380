import { HttpError, type SessionStore } from '@ms1/shared';
import type { SessionControl } from '../../session/session-control';
import type { HttpHandler } from '../route';

/** `POST /polling/trigger`: a (deduplicated) sync of every mailbox of the active session, now. */
export function pollingHandlers(deps: { control: SessionControl; store: SessionStore }) {
  const trigger: HttpHandler = async () => {
    const session = await deps.store.current();
    if (!session) throw new HttpError(409, 'no active session: start one with POST /session/start');
    const mailboxes = await deps.control.triggerSync(session, 'manual');
    return { status: 202, body: { status: 'accepted', session_id: session.sessionId, mailboxes } };
  };
  return { trigger };
}
