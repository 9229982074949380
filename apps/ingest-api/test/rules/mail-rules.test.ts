import { canonicalPath, isWithin } from '../../src/rules/folder-path';
import { isInlineOrSignatureImage, MailRules } from '../../src/rules/mail-rules';
import { parseRules, RulesFileError } from '../../src/rules/rule-file';
import { wildcard } from '../../src/rules/wildcard';

// The example, verbatim: the format may grow but not change.
const EXAMPLE = {
  rules: [
    {
      name: 'suppliers',
      mailboxes: ['*'],
      folders: ['inbox', 'inbox/Suppliers'],
      includeSubfolders: false,
      from: { allow: ['*'], deny: ['*@newsletter.example'] },
      subject: { include: ['*'], exclude: ['*reminder*'] },
      attachments: { include: ['*.pdf', '*.xml', '*.zip'], exclude: ['*.png', '*.jpg'], minBytes: 0 },
      afterActions: {
        forwarded: { markRead: true, moveTo: 'inbox/Processed', categories: ['MS1: forwarded'] },
        notInvoice: { categories: ['MS1: not an invoice'] },
        unreadable: { categories: ['MS1: needs attention'] },
      },
    },
  ],
};

const pdf = (name: string, size = 1000) => ({
  name,
  contentType: 'application/pdf',
  size,
  isInline: false,
  isFile: true,
});

function problem(raw: unknown): string {
  try {
    parseRules(raw);
  } catch (err) {
    expect(err).toBeInstanceOf(RulesFileError);
    return (err as Error).message;
  }
  throw new Error('the rules were accepted');
}

describe('wildcards', () => {
  it('are case-insensitive, * for any run, ? for one character, everything else literal', () => {
    expect(wildcard('*@Supplier.example').test('billing@supplier.EXAMPLE')).toBe(true);
    expect(wildcard('inv-????.pdf').test('INV-2026.pdf')).toBe(true);
    expect(wildcard('inv-????.pdf').test('inv-26.pdf')).toBe(false);
    expect(wildcard('a.b').test('axb')).toBe(false); // the dot is literal
    expect(wildcard('(x)+[y]').test('(x)+[y]')).toBe(true);
    expect(wildcard('*reminder*').test('Payment REMINDER for March')).toBe(true);
    expect(wildcard('*').test('')).toBe(true);
  });
});

describe('folder paths', () => {
  it('spell well-known names in lower case and compare display names without case', () => {
    expect(canonicalPath(' Inbox / Suppliers ')).toBe('inbox/Suppliers');
    expect(canonicalPath('Projects/Alpha')).toBe('Projects/Alpha');
    expect(isWithin('inbox/suppliers/2026', 'Inbox/Suppliers')).toBe(true);
    expect(isWithin('inbox/Suppliers2', 'inbox/Suppliers')).toBe(false);
  });
});

describe('the rules file', () => {
  it("accepts the issue's example and fills the defaults", () => {
    const spec = parseRules(EXAMPLE);
    expect(spec.rules[0]?.afterActions.notInvoice).toEqual({
      markRead: false,
      moveTo: null,
      categories: ['MS1: not an invoice'],
    });
    const minimal = parseRules({ rules: [{ name: 'all' }] }).rules[0];
    expect(minimal).toMatchObject({
      mailboxes: ['*'],
      folders: ['inbox'],
      includeSubfolders: false,
      from: { allow: ['*'], deny: [] },
      subject: { include: ['*'], exclude: [] },
      attachments: { include: ['*'], exclude: [], minBytes: 0, includeInlineImages: false },
      afterActions: {},
    });
  });

  it('names the rule and the field of what is wrong, in one line', () => {
    const bad = structuredClone(EXAMPLE) as { rules: Record<string, unknown>[] };
    (bad.rules[0] as { from: { deny: unknown[] } }).from.deny = ['*@x.example', 7];
    expect(problem(bad)).toBe('MAIL_RULES_FILE: rule "suppliers" (rules[0]): from.deny[1] must be a string');

    const typo = structuredClone(EXAMPLE) as { rules: Record<string, unknown>[] };
    (typo.rules[0] as { afterActions: Record<string, unknown> }).afterActions.fowarded = { markRead: true };
    expect(problem(typo)).toBe('MAIL_RULES_FILE: rule "suppliers" (rules[0]): afterActions.fowarded is not allowed');

    expect(problem({ rules: [{ name: 'x', folders: ['inbox//Suppliers'] }] })).toBe(
      'MAIL_RULES_FILE: rule "x" (rules[0]): folders[0] must be a /-separated folder path without empty parts',
    );
    expect(problem({ rules: [{ name: 'a' }, { name: 'A' }] })).toBe(
      'MAIL_RULES_FILE: rule "A" (rules[1]): has the same name as rules[0]',
    );
    expect(problem({ rules: [{ folders: ['inbox'] }] })).toBe('MAIL_RULES_FILE: rules[0]: name is required');
    expect(problem({ rules: [] })).toBe('MAIL_RULES_FILE: rules must contain at least 1 items');
    expect(problem({ rule: [] })).toBe('MAIL_RULES_FILE: rules is required');
    expect(problem({ rules: [{ name: 'm', attachments: { minBytes: -1 } }] }).includes('attachments.minBytes')).toBe(
      true,
    );
    for (const message of [problem(bad), problem(typo)]) expect(message).not.toMatch(/\n/);
  });
});

describe('matching', () => {
  const rules = new MailRules(
    parseRules({
      rules: [
        {
          name: 'suppliers',
          mailboxes: ['ap@*'],
          folders: ['inbox', 'inbox/Suppliers'],
          from: { allow: ['*@supplier.example', '*@vendor.example'], deny: ['news@*'] },
          subject: { exclude: ['*reminder*'] },
          attachments: { include: ['*.pdf'], exclude: ['*draft*'], minBytes: 100 },
        },
        {
          name: 'vendors',
          folders: ['Inbox', 'Projects'],
          includeSubfolders: true,
          from: { allow: ['*@vendor.example'] },
          subject: { include: ['invoice*', 'rechnung*'] },
        },
      ],
    }),
  );
  const head = (fromAddress: string | null, subject: string | null) => ({ fromAddress, subject });

  it('takes a message by the first rule that matches mailbox, folder, sender and subject', () => {
    expect(rules.ruleFor('ap@contoso.example', 'inbox', head('a@supplier.example', 'Invoice 1'))?.name).toBe(
      'suppliers',
    );
    // Both rules match: the first takes it.
    expect(rules.ruleFor('ap@contoso.example', 'inbox', head('c@vendor.example', 'Invoice 4'))?.name).toBe('suppliers');
    // The first refuses the subject, the second takes it.
    expect(rules.ruleFor('ap@contoso.example', 'inbox', head('c@vendor.example', 'Rechnung reminder'))?.name).toBe(
      'vendors',
    );
    expect(rules.ruleFor('ap@contoso.example', 'inbox', head('news@supplier.example', 'Invoice'))).toBeNull();
    expect(rules.ruleFor('ap@contoso.example', 'inbox', head('b@supplier.example', 'Payment Reminder'))).toBeNull();
    expect(rules.ruleFor('ap@contoso.example', 'inbox', head(null, 'Invoice'))).toBeNull();
    // Another mailbox: only the second rule applies.
    expect(rules.ruleFor('other@contoso.example', 'inbox', head('a@supplier.example', 'Invoice'))).toBeNull();
    expect(rules.ruleFor('other@contoso.example', 'inbox', head('e@vendor.example', 'Invoice 9'))?.name).toBe(
      'vendors',
    );
  });

  it('watches subfolders only for the rules that say so', () => {
    const from = head('d@supplier.example', 'Invoice');
    expect(rules.ruleFor('ap@contoso.example', 'inbox/Suppliers', from)?.name).toBe('suppliers');
    expect(rules.ruleFor('ap@contoso.example', 'inbox/Suppliers/2026', from)).toBeNull();
    expect(
      rules.ruleFor('ap@contoso.example', 'inbox/Suppliers/2026', head('e@vendor.example', 'invoice 8'))?.name,
    ).toBe('vendors');
    expect(rules.ruleFor('ap@contoso.example', 'archive', from)).toBeNull();
    expect(rules.watchedFolders('ap@contoso.example')).toEqual([
      { path: 'inbox', includeSubfolders: true },
      { path: 'inbox/Suppliers', includeSubfolders: false },
      { path: 'Projects', includeSubfolders: true },
    ]);
    expect(rules.watchedFolders('other@contoso.example').map((w) => w.path)).toEqual(['inbox', 'Projects']);
    expect(rules.watchesBelow('ap@contoso.example', 'inbox/Suppliers')).toBe(true); // inbox's subfolders, by vendors
    expect(rules.watchesBelow('ap@contoso.example', 'archive')).toBe(false);
  });

  it('keeps the attachments the rule includes and does not exclude, from minBytes on, without inline or signature images', () => {
    const suppliers = rules.byName('suppliers');
    const vendors = rules.byName('vendors');
    if (!suppliers || !vendors) throw new Error('rules missing');
    expect(suppliers.keepsAttachment(pdf('Invoice.PDF'))).toBe(true);
    expect(suppliers.keepsAttachment(pdf('invoice-draft.pdf'))).toBe(false);
    expect(suppliers.keepsAttachment(pdf('tiny.pdf', 99))).toBe(false);
    expect(suppliers.keepsAttachment({ ...pdf('x.xml'), contentType: 'application/xml' })).toBe(false);
    expect(vendors.keepsAttachment(pdf('x.pdf', 1))).toBe(true);
    expect(vendors.keepsAttachment({ ...pdf('scan.jpg'), contentType: 'image/jpeg' })).toBe(true);
    expect(vendors.keepsAttachment({ ...pdf('image001.png'), contentType: 'image/png' })).toBe(false);
    expect(vendors.keepsAttachment({ ...pdf('logo.png'), contentType: 'image/png', isInline: true })).toBe(false);
    expect(vendors.keepsAttachment({ ...pdf('item'), isFile: false })).toBe(false);
    const all = new MailRules(parseRules({ rules: [{ name: 'all', attachments: { includeInlineImages: true } }] }));
    expect(all.rules[0]?.keepsAttachment({ ...pdf('image001.png'), contentType: 'image/png' })).toBe(true);
    expect(isInlineOrSignatureImage({ ...pdf('Outlook-ab12cd.png'), contentType: 'image/png' })).toBe(true);
    expect(isInlineOrSignatureImage({ ...pdf('inline.pdf'), isInline: true })).toBe(false);
  });
});
