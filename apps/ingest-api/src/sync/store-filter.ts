import type { StoreFilter } from '@ms1/shared';
import type { MailRules } from '../rules/mail-rules';

const FILE_ATTACHMENT = '#microsoft.graph.fileAttachment';

/**
 * The mail rules applied while a delta page streams in: an attachment's bytes are written to the store only when
 * the rule that takes its message wants it. Where the filter applies, and why there: the page carries the bytes
 * anyway (`$expand=attachments` on delta has no per-attachment filter), so "never downloaded" means never stored
 * and never fetched: excluded bytes go by, counted, and the listing leaves the attachment out. When the page has not
 * yet shown what a rule reads (Graph writes a message's properties, then its attachments, each with its metadata
 * before `contentBytes`; a server that did otherwise), the bytes are not stored either, and a wanted attachment is
 * fetched once by the processor instead.
 */
export function rulesStoreFilter(rules: MailRules, mailbox: string, folder: string): StoreFilter {
  return (m, a) => {
    if (m.subject === undefined || m.fromAddress === undefined) return false;
    const rule = rules.ruleFor(mailbox, folder, { subject: m.subject, fromAddress: m.fromAddress });
    if (!rule) return false;
    if (a.name === undefined || a.contentType === undefined || a.size === undefined || a.isInline === undefined)
      return false;
    return rule.keepsAttachment({
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      isInline: a.isInline,
      isFile: (a.odataType ?? FILE_ATTACHMENT) === FILE_ATTACHMENT,
    });
  };
}
