import type { Session } from '@ms1/shared';

/** A session as the control API shows it: snake_case, as the old service's clients expect. */
export function sessionView(s: Session): Record<string, unknown> {
  return {
    session_id: s.sessionId,
    status: s.status,
    started_at: s.startedAt,
    stopped_at: s.stoppedAt,
    stop_reason: s.stopReason,
    polling_mode: s.settings.pollingMode,
    polling_interval: s.settings.pollingIntervalSeconds,
    enable_webhook: s.settings.enableWebhook,
    mailboxes: s.settings.mailboxes,
    folder: s.settings.folder,
    counters: s.counters,
  };
}
