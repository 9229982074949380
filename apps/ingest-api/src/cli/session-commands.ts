import { SessionActiveError } from '@ms1/shared';
import { sessionView } from '../http/session-view';
import { sessionSettings, startRequest, StartRequestError, type StartRequest } from '../session/settings';
import { flagNumber, flagText, UsageError, type ParsedArgs } from './args';
import type { CliContext } from './context';

/** `session start`: the flags become the API's start body, validated by the same schema, then the same controller. */
export async function sessionStart(ctx: CliContext, args: ParsedArgs): Promise<unknown> {
  const mailboxes = flagText(args, 'mailboxes');
  const raw: Record<string, unknown> = {};
  const mode = flagText(args, 'mode');
  if (mode !== undefined) raw.polling_mode = mode;
  const interval = flagNumber(args, 'interval');
  if (interval !== undefined) raw.polling_interval = interval;
  if (args.flags.has('no-webhook')) raw.enable_webhook = false;
  if (mailboxes !== undefined) raw.mailboxes = mailboxes.split(',').map((m) => m.trim());
  const { value, error } = startRequest.validate(raw, { convert: true });
  if (error) throw new UsageError(flagNames(error.message));
  let settings;
  try {
    settings = sessionSettings(value as StartRequest, ctx.config);
  } catch (err) {
    if (err instanceof StartRequestError) throw new UsageError(flagNames(err.message));
    throw err;
  }
  try {
    return sessionView(await ctx.control.start(settings));
  } catch (err) {
    if (err instanceof SessionActiveError)
      throw new Error(`${err.message}: stop it first (ms1 session stop)`, { cause: err });
    throw err;
  }
}

export async function sessionStop(ctx: CliContext, args: ParsedArgs): Promise<unknown> {
  const reason = flagText(args, 'reason') ?? 'user_requested';
  if (reason.length > 200) throw new UsageError('--reason is longer than 200 characters');
  const session = await ctx.control.stop(reason);
  if (!session) throw new Error('no active session');
  return sessionView(session);
}

/** The API's field names, as the command line spells them. */
function flagNames(message: string): string {
  return message
    .replace(/"/g, '')
    .replace(/\bpolling_mode\b/g, '--mode')
    .replace(/\bpolling_interval\b/g, '--interval')
    .replace(/\benable_webhook\b/g, 'webhooks')
    .replace(/\bmailboxes\b/g, '--mailboxes');
}
