import type { MailRules } from './mail-rules';

/**
 * The folders a sync of a mailbox starts from: those the rules name for it (folders below them are found by their
 * rounds), or without rules the session's one folder (MAIL_FOLDER).
 */
export function rootFolders(rules: MailRules | null, mailbox: string, sessionFolder: string): string[] {
  return rules ? rules.watchedFolders(mailbox).map((w) => w.path) : [sessionFolder];
}
