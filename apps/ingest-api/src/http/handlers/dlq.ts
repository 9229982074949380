import Joi from 'joi';
import { DeadLetterBusyError, DeadLetterNotFoundError, HttpError, type DeadLetters } from '@ms1/shared';
import type { HttpHandler } from '../route';

export interface ListQuery {
  offset: number;
  limit: number;
}

export const listQuery = Joi.object<ListQuery>({
  offset: Joi.number().integer().min(0).default(0),
  limit: Joi.number().integer().min(1).max(500).default(100),
}).unknown(false);

/** `GET /dlq`, `POST /dlq/{id}/replay`, `POST /dlq/replay`. */
export function dlqHandlers(deadLetters: DeadLetters) {
  const list: HttpHandler<unknown, ListQuery> = async ({ query }) => {
    const { total, entries } = await deadLetters.list(query.offset, query.offset + query.limit - 1);
    // The e-mail's ids come first so an operator can find the message in the mailbox.
    const items = entries.map((e) => {
      const d = (e.data ?? {}) as Record<string, unknown>;
      return {
        id: e.id,
        source_queue: e.sourceQueue,
        job_name: e.jobName,
        job_id: e.jobId,
        messageId: d.messageId ?? null,
        mailboxId: d.mailboxId ?? null,
        failed_reason: e.failedReason,
        attempts_made: e.attemptsMade,
        failed_at: e.failedAt,
        stacktrace: e.stacktrace,
        data: e.data,
      };
    });
    return { status: 200, body: { total, offset: query.offset, items } };
  };

  const replayOne: HttpHandler = async ({ params }) => {
    try {
      return { status: 202, body: await deadLetters.replay(params.id ?? '') };
    } catch (err) {
      if (err instanceof DeadLetterNotFoundError) throw new HttpError(404, err.message);
      if (err instanceof DeadLetterBusyError) throw new HttpError(409, err.message);
      throw err;
    }
  };

  const replayAll: HttpHandler = async () => {
    const result = await deadLetters.replayAll();
    return { status: 202, body: { replayed: result.replayed.length, errors: result.errors } };
  };

  return { list, replayOne, replayAll };
}
