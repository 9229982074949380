import { MailRules } from './mail-rules';
import { loadRulesFile } from './rule-file';

/** The rules of MAIL_RULES_FILE, or null without it. Throws RulesFileError (one line) for a file that cannot be used. */
export function loadMailRules(file: string | null): MailRules | null {
  return file ? new MailRules(loadRulesFile(file)) : null;
}
