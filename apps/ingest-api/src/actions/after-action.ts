import {
  RetryableError,
  type BatchResponse,
  type EmailOutcomes,
  type JobHandler,
  type MailGraph,
  type MessageChanges,
  type SessionStore,
} from '@ms1/shared';
import type { MailRules } from '../rules/mail-rules';
import type { FolderResolver } from '../sync/folder-resolver';

export interface AfterActionDeps {
  graph: MailGraph;
  rules: MailRules | null;
  folders: FolderResolver;
  outcomes: EmailOutcomes;
  sessions: SessionStore;
}

const ok = (r: BatchResponse | undefined) => r !== undefined && r.status >= 200 && r.status < 300;

/**
 * One e-mail's after-action, once its outcome is final: the rule's `afterActions[outcome]` (mark read, add
 * categories, move) in one `$batch` under the mailbox's limiter, the message addressed by its immutable id. A
 * failure is retried (the job's attempts and backoff; nothing is sent to MS4 again: that is another job), and the
 * action is recorded as done, so a job enqueued again later (a sender re-run after a crash) does nothing twice.
 * Categories are added to the message's own, read just before.
 */
export function afterActionHandler(deps: AfterActionDeps): JobHandler<'after-action'> {
  return async (job, { logger }) => {
    const { sessionId, mailboxId, messageId, outcome, rule: ruleName } = job.data;
    const gone = async () => {
      logger.info('after-action: the message is gone from the mailbox; nothing to do', { outcome });
      await deps.outcomes.markActionDone(mailboxId, messageId, outcome);
      return { applied: [], skipped: 'message gone' };
    };
    if (await deps.outcomes.actionDone(mailboxId, messageId, outcome)) return { applied: [], skipped: 'already done' };
    const rule = deps.rules?.byName(ruleName) ?? null;
    const action = rule?.afterAction(outcome) ?? null;
    if (!rule || !action) {
      if (!rule) logger.warn('after-action of a rule that is no longer in MAIL_RULES_FILE; nothing done', { ruleName });
      await deps.outcomes.markActionDone(mailboxId, messageId, outcome);
      return { applied: [], skipped: rule ? `rule ${ruleName} has no ${outcome} action` : `rule ${ruleName} is gone` };
    }
    const caller = { mailboxId, sessionId };
    const changes: MessageChanges = {};
    const applied: string[] = [];
    if (action.markRead) {
      changes.patch = { isRead: true };
      applied.push('markRead');
    }
    if (action.categories.length > 0) {
      const current = await deps.graph.messageCategories(caller, messageId);
      if (current === null) return gone();
      const merged = [...current];
      for (const c of action.categories) if (!merged.some((m) => m.toLowerCase() === c.toLowerCase())) merged.push(c);
      changes.patch = { ...changes.patch, categories: merged };
      applied.push('categories');
    }
    if (action.moveTo) {
      const folderId = await deps.folders.resolve(caller, action.moveTo, { create: true });
      if (!folderId) throw new RetryableError(`folder ${action.moveTo} of ${mailboxId} could not be found or created`);
      changes.moveTo = folderId;
      applied.push('moveTo');
    }
    const answers = await deps.graph.changeMessage(caller, messageId, changes);
    const [first] = answers;
    if (first?.status === 404) return gone();
    const failed = answers.filter((a) => !ok(a));
    if (failed.length > 0)
      throw new RetryableError(
        `after-action ${outcome} of ${messageId}: ${failed.map((a) => `${a.id} answered ${a.status}`).join(', ')}`,
      );
    await deps.outcomes.markActionDone(mailboxId, messageId, outcome);
    await deps.sessions.incrOnce(sessionId, `after:${mailboxId}:${messageId}:${outcome}`, { afterActions: 1 });
    logger.info('after-action done', { outcome, rule: ruleName, applied });
    return { applied, skipped: null };
  };
}
