import { jobIds } from '../queues/job-ids';
import { JobName } from '../queues/names';
import type { AfterActionData, FinalOutcome } from '../queues/payloads';
import type { Producer } from '../queues/producer';
import type { RedisConnection } from '../redis/connection';
import { LuaScript } from '../redis/lua-script';
import { shortDigest } from '../redis/short-digest';

/** Which e-mail, and what the sync knew of it (the rule that took it, when there are mail rules). */
export interface EmailRef {
  sessionId: string;
  mailboxId: string;
  messageId: string;
  rule?: string;
}

export type OutcomeState = FinalOutcome | 'pending';

const DEFAULT_KEEP_S = 7 * 24 * 3600;

// One hash per e-mail: `s` session, `r` rule, `o` outcome, `e:{invoice}` each invoice expected of it, `a:{invoice}`
// each invoice MS4 accepted, `d:{outcome}` an after-action done. `{invoice}` is the invoiceKey's first 16 characters
// (a SHA-256 in hex: 64 bits tell an e-mail's few invoices apart). Scripts keep the checks atomic across processes.
// COMPLETE compares the first 16 characters of both kinds, so the whole keys that earlier versions stored still match.
const COMPLETE = `
local all = redis.call('HGETALL', KEYS[1])
local accepted, expected, session, rule = {}, {}, '', ''
for i = 1, #all, 2 do
  local k = all[i]
  local kind = string.sub(k, 1, 2)
  if kind == 'a:' then accepted[string.sub(k, 3, 18)] = true
  elseif kind == 'e:' then expected[#expected + 1] = string.sub(k, 3, 18)
  elseif k == 's' then session = all[i + 1]
  elseif k == 'r' then rule = all[i + 1] end
end
if #expected == 0 then return false end
for _, invoice in ipairs(expected) do
  if not accepted[invoice] then return false end
end
return {session, rule}
`;

// KEYS[2] is the record under the key of versions before the digest: its fields join the record (the record's own
// win), then it is deleted, so an e-mail in flight across an upgrade keeps what was known of it. Earlier versions
// know only their key: upgrade ms4-sender first, then processor-worker, then ingest-api (README, Decisions). The
// merge and the reads' second key can go once this version has run for COUNTED_EVENTS_KEEP_SECONDS.
const ADOPT_EARLIER_RECORD = `
local earlier = redis.call('HGETALL', KEYS[2])
if #earlier > 0 then
  for i = 1, #earlier, 2 do redis.call('HSETNX', KEYS[1], earlier[i], earlier[i + 1]) end
  redis.call('DEL', KEYS[2])
end
`;

// KEYS: the e-mail's hash, its earlier key. ARGV: ttl, session, rule, then the invoices. Replaces the expected
// invoices (a re-run of the processor states them again) and answers whether MS4 already has them all.
const EXPECT_SCRIPT = new LuaScript(`
${ADOPT_EARLIER_RECORD}
for _, k in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(k, 1, 2) == 'e:' then redis.call('HDEL', KEYS[1], k) end
end
redis.call('HSET', KEYS[1], 's', ARGV[2], 'r', ARGV[3], 'o', 'pending')
for i = 4, #ARGV do redis.call('HSET', KEYS[1], 'e:' .. ARGV[i], '1') end
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
${COMPLETE}`);

// KEYS: the e-mail's hash, its earlier key. ARGV: ttl, invoice. Records MS4's acceptance; answers session and rule
// when that was the last invoice of the e-mail.
const ACCEPT_SCRIPT = new LuaScript(`
${ADOPT_EARLIER_RECORD}
redis.call('HSET', KEYS[1], 'a:' .. ARGV[2], '1')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
${COMPLETE}`);

// KEYS: the e-mail's hash, its earlier key. ARGV: ttl, outcome, session, the caller's rule ('' when it does not know
// it). Records the final outcome; the rule is the caller's, else the stored one (recorded when the hash had none);
// answers it ('' for none). One command per outcome: a MULTI plus reads would copy BullMQ's scripts into a pipeline
// first.
const FINAL_SCRIPT = new LuaScript(`
${ADOPT_EARLIER_RECORD}
redis.call('HSET', KEYS[1], 'o', ARGV[2], 's', ARGV[3])
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
local stored = redis.call('HGET', KEYS[1], 'r')
if ARGV[4] == '' then return stored or '' end
if not stored or stored == '' then redis.call('HSET', KEYS[1], 'r', ARGV[4]) end
return ARGV[4]
`);

// KEYS: the e-mail's hash, its earlier key. ARGV: ttl, the after-action's field.
const ACTION_DONE_SCRIPT = new LuaScript(`
${ADOPT_EARLIER_RECORD}
redis.call('HSET', KEYS[1], ARGV[2], '1')
redis.call('EXPIRE', KEYS[1], tonumber(ARGV[1]))
`);

// KEYS: the e-mail's hash, its earlier key. ARGV: a field. The field's value in whichever record has it.
const READ_SCRIPT = new LuaScript(`
return redis.call('HGET', KEYS[1], ARGV[1]) or redis.call('HGET', KEYS[2], ARGV[1])
`);

/** An invoice in the e-mail's record: its invoiceKey's first 16 characters. */
function invoiceField(invoiceKey: string): string {
  return invoiceKey.slice(0, 16);
}

/**
 * When an e-mail's outcome becomes final, and what follows: `forwarded` once MS4 has accepted every invoice found in
 * it (the sender tells each acceptance, the processor says how many there are, in whichever order they come),
 * `notInvoice` when the processor says so, `unreadable` when the e-mail (or one of its invoices) is dead-lettered.
 * Whoever sees the outcome become final enqueues the e-mail's after-action, idempotently by job id; the action
 * records that it was done, so a re-run (a sender that crashed after MS4's answer) never does it twice. Kept in
 * Redis one expiring hash per e-mail, for `keepSeconds` after its last change.
 */
export class EmailOutcomes {
  constructor(
    private readonly redis: RedisConnection,
    private readonly keyPrefix: string,
    private readonly producer: Producer,
    private readonly keepSeconds = DEFAULT_KEEP_S,
  ) {}

  /**
   * The e-mail's record, then where versions before the digest kept it. The digest (22 characters of SHA-256) stands
   * for a Graph message id of about 140: the records were more than a quarter of Redis at 100,000 e-mails.
   */
  private keys(mailboxId: string, messageId: string): [string, string] {
    const mailbox = mailboxId.toLowerCase();
    return [
      `${this.keyPrefix}:email:${mailbox}:${shortDigest(messageId)}`,
      `${this.keyPrefix}:email:${mailbox}:${messageId}`,
    ];
  }

  /**
   * The processor found these invoices in the e-mail (call it before their jobs are added). When MS4 already has
   * them all (a re-run), the e-mail is forwarded now.
   */
  async invoicesFound(email: EmailRef, invoiceKeys: string[]): Promise<boolean> {
    const done = (await EXPECT_SCRIPT.run(this.redis, this.keys(email.mailboxId, email.messageId), [
      this.keepSeconds,
      email.sessionId,
      email.rule ?? '',
      ...invoiceKeys.map(invoiceField),
    ])) as [string, string] | null;
    if (done) await this.final(email, 'forwarded');
    return Boolean(done);
  }

  /** MS4 accepted one invoice of the e-mail; answers true when that made the e-mail forwarded. */
  async invoiceAccepted(item: { mailboxId: string; messageId: string; invoiceKey: string }): Promise<boolean> {
    const done = (await ACCEPT_SCRIPT.run(this.redis, this.keys(item.mailboxId, item.messageId), [
      this.keepSeconds,
      invoiceField(item.invoiceKey),
    ])) as [string, string] | null;
    if (!done) return false;
    const [sessionId, rule] = done;
    await this.final({ sessionId, mailboxId: item.mailboxId, messageId: item.messageId, rule }, 'forwarded');
    return true;
  }

  async notInvoice(email: EmailRef): Promise<void> {
    await this.final(email, 'notInvoice');
  }

  /**
   * The e-mail, or one of its invoices, went to the dead-letter queue: it needs attention. The rule comes from the
   * e-mail's record when the caller does not know it (the sender).
   */
  async deadLettered(email: EmailRef): Promise<void> {
    await this.final(email, 'unreadable');
  }

  /** The e-mail's outcome so far; null when nothing is known of it (not processed yet, or forgotten). */
  async state(mailboxId: string, messageId: string): Promise<OutcomeState | null> {
    const o = (await READ_SCRIPT.run(this.redis, this.keys(mailboxId, messageId), ['o'])) as string | null;
    return o === 'pending' || o === 'forwarded' || o === 'notInvoice' || o === 'unreadable' ? o : null;
  }

  /** Whether the after-action of that outcome was done already. */
  async actionDone(mailboxId: string, messageId: string, outcome: FinalOutcome): Promise<boolean> {
    return (await READ_SCRIPT.run(this.redis, this.keys(mailboxId, messageId), [`d:${outcome}`])) !== null;
  }

  async markActionDone(mailboxId: string, messageId: string, outcome: FinalOutcome): Promise<void> {
    await ACTION_DONE_SCRIPT.run(this.redis, this.keys(mailboxId, messageId), [this.keepSeconds, `d:${outcome}`]);
  }

  private async final(email: EmailRef, outcome: FinalOutcome): Promise<void> {
    const rule = (await FINAL_SCRIPT.run(this.redis, this.keys(email.mailboxId, email.messageId), [
      this.keepSeconds,
      outcome,
      email.sessionId,
      email.rule ?? '',
    ])) as string;
    if (rule === '') return; // without mail rules nothing is done in Outlook
    const data: AfterActionData = {
      sessionId: email.sessionId,
      mailboxId: email.mailboxId,
      messageId: email.messageId,
      rule,
      outcome,
    };
    await this.producer.add(JobName.AfterAction, data, {
      jobId: jobIds.afterAction(email.mailboxId, email.messageId, outcome),
    });
  }
}
