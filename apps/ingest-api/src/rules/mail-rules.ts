import { canonicalPath, isWithin, samePath } from './folder-path';
import type { AfterAction, MailRuleSpec, MailRulesSpec, OutcomeName } from './rule-file';
import { PatternSet } from './wildcard';

/** What a rule reads of a message to decide whether it takes it. */
export interface MessageHead {
  fromAddress: string | null;
  subject: string | null;
}

/** What a rule reads of an attachment to decide whether its bytes are wanted. */
export interface AttachmentHead {
  name: string | null;
  contentType: string | null;
  size: number | null;
  isInline: boolean;
  /** A non-file attachment (an item or a reference) is never read. */
  isFile: boolean;
}

/** A folder a mailbox's rules watch: its path, and whether the folders below it are watched too. */
export interface WatchedFolder {
  path: string;
  includeSubfolders: boolean;
}

const IMAGE_TYPE = /^image\//i;
const IMAGE_NAME = /\.(png|jpe?g|gif|bmp|tiff?|webp|emz|wmz)$/i;
/** Outlook names the images of a signature image001.png, image002.jpg...; the new Outlook Outlook-<id>.png. */
const SIGNATURE_NAME = /^(image\d{3}|outlook-[a-z0-9]{4,})\.(png|jpe?g|gif|bmp)$/i;

/** One rule, its patterns compiled. */
export class MailRule {
  private readonly mailboxes: PatternSet;
  private readonly fromAllow: PatternSet;
  private readonly fromDeny: PatternSet;
  private readonly subjectInclude: PatternSet;
  private readonly subjectExclude: PatternSet;
  private readonly attachmentInclude: PatternSet;
  private readonly attachmentExclude: PatternSet;
  readonly folders: string[];

  constructor(readonly spec: MailRuleSpec) {
    this.mailboxes = new PatternSet(spec.mailboxes);
    this.fromAllow = new PatternSet(spec.from.allow);
    this.fromDeny = new PatternSet(spec.from.deny);
    this.subjectInclude = new PatternSet(spec.subject.include);
    this.subjectExclude = new PatternSet(spec.subject.exclude);
    this.attachmentInclude = new PatternSet(spec.attachments.include);
    this.attachmentExclude = new PatternSet(spec.attachments.exclude);
    this.folders = spec.folders.map(canonicalPath);
  }

  get name(): string {
    return this.spec.name;
  }

  appliesToMailbox(mailbox: string): boolean {
    return this.mailboxes.test(mailbox);
  }

  watchesFolder(folder: string): boolean {
    return this.folders.some((f) => (this.spec.includeSubfolders ? isWithin(folder, f) : samePath(folder, f)));
  }

  /** Whether the rule takes a message of this mailbox and folder. */
  takes(mailbox: string, folder: string, m: MessageHead): boolean {
    if (!this.appliesToMailbox(mailbox) || !this.watchesFolder(folder)) return false;
    const from = m.fromAddress ?? '';
    if (!this.fromAllow.test(from) || this.fromDeny.test(from)) return false;
    const subject = m.subject ?? '';
    return this.subjectInclude.test(subject) && !this.subjectExclude.test(subject);
  }

  /** Whether an attachment of a message this rule took is wanted (its bytes stored and read). */
  keepsAttachment(a: AttachmentHead): boolean {
    if (!a.isFile) return false;
    if (!this.spec.attachments.includeInlineImages && isInlineOrSignatureImage(a)) return false;
    const name = a.name ?? '';
    if (!this.attachmentInclude.test(name) || this.attachmentExclude.test(name)) return false;
    return (a.size ?? 0) >= this.spec.attachments.minBytes;
  }

  afterAction(outcome: OutcomeName): AfterAction | null {
    return this.spec.afterActions[outcome] ?? null;
  }
}

/**
 * An inline image (part of the body) or an image an e-mail client put in a signature: images named as Outlook
 * names signature images, or any image marked inline or referenced by a content id.
 */
export function isInlineOrSignatureImage(a: AttachmentHead): boolean {
  const name = a.name ?? '';
  const image = IMAGE_TYPE.test(a.contentType ?? '') || IMAGE_NAME.test(name);
  if (!image) return false;
  return a.isInline || SIGNATURE_NAME.test(name);
}

/** The rules of MAIL_RULES_FILE, in order: the first rule that takes a message is the one. */
export class MailRules {
  readonly rules: MailRule[];

  constructor(spec: MailRulesSpec) {
    this.rules = spec.rules.map((r) => new MailRule(r));
  }

  /** The folders watched in a mailbox, each once (in the order the rules name them). */
  watchedFolders(mailbox: string): WatchedFolder[] {
    const out: WatchedFolder[] = [];
    for (const rule of this.rules) {
      if (!rule.appliesToMailbox(mailbox)) continue;
      for (const path of rule.folders) {
        const known = out.find((w) => samePath(w.path, path));
        if (known) known.includeSubfolders ||= rule.spec.includeSubfolders;
        else out.push({ path, includeSubfolders: rule.spec.includeSubfolders });
      }
    }
    return out;
  }

  /** Whether any rule watches this folder of this mailbox (directly or as a subfolder). */
  watches(mailbox: string, folder: string): boolean {
    return this.rules.some((r) => r.appliesToMailbox(mailbox) && r.watchesFolder(folder));
  }

  /** Whether the folders below `folder` are watched in this mailbox (a rule watches `folder` or above, with subfolders). */
  watchesBelow(mailbox: string, folder: string): boolean {
    return this.rules.some(
      (r) => r.appliesToMailbox(mailbox) && r.spec.includeSubfolders && r.folders.some((f) => isWithin(folder, f)),
    );
  }

  /** The first rule that takes the message, or null: then the message is left alone. */
  ruleFor(mailbox: string, folder: string, m: MessageHead): MailRule | null {
    return this.rules.find((r) => r.takes(mailbox, folder, m)) ?? null;
  }

  byName(name: string): MailRule | null {
    return this.rules.find((r) => r.name === name) ?? null;
  }
}
