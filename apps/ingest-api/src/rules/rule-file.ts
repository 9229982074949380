import fs from 'node:fs';
import Joi from 'joi';
import { pathParts } from './folder-path';

/** What one after-action does to the e-mail in Outlook. */
export interface AfterAction {
  markRead: boolean;
  /** A folder path from the mailbox root; created when missing. */
  moveTo: string | null;
  /** Added to the e-mail's own categories. */
  categories: string[];
}

export type OutcomeName = 'forwarded' | 'notInvoice' | 'unreadable';

export interface MailRuleSpec {
  name: string;
  mailboxes: string[];
  folders: string[];
  includeSubfolders: boolean;
  from: { allow: string[]; deny: string[] };
  subject: { include: string[]; exclude: string[] };
  attachments: {
    include: string[];
    exclude: string[];
    minBytes: number;
    /** Inline images and e-mail signature images are ignored unless this is set. */
    includeInlineImages: boolean;
  };
  afterActions: Partial<Record<OutcomeName, AfterAction>>;
}

export interface MailRulesSpec {
  rules: MailRuleSpec[];
}

/** The variable's name, at the start of every message about the file. */
const VARIABLE = 'MAIL_RULES_FILE';

const pattern = Joi.string().min(1).max(512);
const patterns = (fallback: string[]) => Joi.array().items(pattern).max(1000).default(fallback);
const folderPath = Joi.string()
  .min(1)
  .max(1024)
  .custom((value: string, helpers) =>
    pathParts(value).some((p) => p === '')
      ? helpers.message({ custom: '{{#label}} must be a /-separated folder path without empty parts' })
      : value,
  );
const afterAction = Joi.object<AfterAction>({
  markRead: Joi.boolean().default(false),
  moveTo: folderPath.allow(null).default(null),
  categories: Joi.array().items(Joi.string().min(1).max(255)).max(25).unique().default([]),
}).unknown(false);

const rule = Joi.object<MailRuleSpec>({
  name: Joi.string().min(1).max(100).required(),
  mailboxes: patterns(['*']).min(1),
  folders: Joi.array().items(folderPath).min(1).max(100).default(['inbox']),
  includeSubfolders: Joi.boolean().default(false),
  from: Joi.object({ allow: patterns(['*']), deny: patterns([]) })
    .unknown(false)
    .default(),
  subject: Joi.object({ include: patterns(['*']), exclude: patterns([]) })
    .unknown(false)
    .default(),
  attachments: Joi.object({
    include: patterns(['*']),
    exclude: patterns([]),
    minBytes: Joi.number().integer().min(0).default(0),
    includeInlineImages: Joi.boolean().default(false),
  })
    .unknown(false)
    .default(),
  afterActions: Joi.object({ forwarded: afterAction, notInvoice: afterAction, unreadable: afterAction })
    .unknown(false)
    .default(),
}).unknown(false);

const schema = Joi.object<MailRulesSpec>({
  rules: Joi.array()
    .items(rule)
    .min(1)
    .max(200)
    .unique((a: MailRuleSpec, b: MailRuleSpec) => a.name.toLowerCase() === b.name.toLowerCase())
    .messages({ 'array.unique': '{{#label}} has the same name as rules[{{#dupePos}}]' })
    .required(),
}).unknown(false);

/** A rules file that cannot be used; the message is one line naming the rule and the field. */
export class RulesFileError extends Error {
  override name = 'RulesFileError';
}

/** Reads and validates the rules file (joi); throws RulesFileError with one line naming the rule and the field. */
export function loadRulesFile(file: string): MailRulesSpec {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unreadable';
    throw new RulesFileError(`${VARIABLE}: ${file} cannot be read (${code})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new RulesFileError(`${VARIABLE}: ${file} is not valid JSON (${(err as Error).message})`);
  }
  return parseRules(raw);
}

/** Validates parsed rules; throws RulesFileError naming the rule (by name when it has one) and the field. */
export function parseRules(raw: unknown): MailRulesSpec {
  const { value, error } = schema.validate(raw, { abortEarly: true, convert: false });
  if (error) {
    const detail = error.details[0];
    throw new RulesFileError(`${VARIABLE}: ${describe(raw, detail)}`);
  }
  return value;
}

/** `rule "suppliers" (rules[0]): from.deny[1] must be a string`, or the top-level problem. */
function describe(raw: unknown, detail: Joi.ValidationErrorItem): string {
  const [top, index, ...field] = detail.path;
  const message = detail.message.replace(/"/g, '');
  if (top !== 'rules' || typeof index !== 'number') return message;
  const entry: unknown = Array.isArray((raw as { rules?: unknown }).rules)
    ? (raw as { rules: unknown[] }).rules[index]
    : undefined;
  const name =
    typeof entry === 'object' && entry !== null && typeof (entry as { name?: unknown }).name === 'string'
      ? `rule "${(entry as { name: string }).name}" (rules[${index}])`
      : `rules[${index}]`;
  if (field.length === 0) return `${name}: ${message.replace(/^rules\[\d+\]\s*/, '')}`;
  const fieldPath = field
    .map((p) => (typeof p === 'number' ? `[${p}]` : `.${p}`))
    .join('')
    .replace(/^\./, '');
  // joi labels the value by its full path (rules[0].from.deny[1]); name the field from within the rule instead.
  const text = message.startsWith(detail.context?.label ?? '\u0000')
    ? `${fieldPath}${message.slice((detail.context?.label ?? '').length)}`
    : message;
  return `${name}: ${text}`;
}
