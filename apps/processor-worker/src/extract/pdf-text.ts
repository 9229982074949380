// Best-effort invoice fields from a PDF's text (no structured data): labelled number, totals, currency,
// dates, IBAN and VAT id in six languages, with a confidence reflecting how much was found.

import { findInvoiceVocabulary } from '../classify/vocabulary';
import { findPrintedDates } from './dates';
import { normalizePrintedAmount } from './decimals';
import { emptyInvoice } from './invoice-data';
import type { InvoiceData } from './types';

export type PdfTextRead = { found: true; invoice: InvoiceData; warnings: string[] } | { found: false; reason: string };

/** Labels followed by the invoice number. */
const NUMBER_LABELS = [
  String.raw`invoice\s*(?:no\.?|nr\.?|number|num\.?|#|n[°º])`,
  String.raw`invoice\s*id`,
  String.raw`credit\s*note\s*(?:no\.?|number|#)`,
  String.raw`rechnungs?\s*-?\s*(?:nummer|nr\.?|no\.?)`,
  String.raw`rechnung\s*(?:nr\.?|no\.?|nummer)`,
  String.raw`gutschrift(?:s-?nummer|s-?nr\.?|\s*nr\.?)`,
  String.raw`(?:facture|avoir)\s*(?:n\s*[°ºo]\.?|num[ée]ro|no\.?)`,
  String.raw`(?:n[°º]|num[ée]ro)\s*de\s*facture`,
  String.raw`factura\s*(?:n\s*[°ºo]\.?|n[uú]m(?:ero|\.)?|no\.?)`,
  String.raw`(?:n[°º]|n[uú]mero)\s*de\s*factura`,
  String.raw`fattura\s*(?:n\s*[°ºo.]|nr\.?|num(?:ero|\.)?)`,
  String.raw`numero\s*(?:di\s*)?fattura`,
  String.raw`factuur\s*-?\s*(?:nummer|nr\.?|no\.?)`,
];
const NUMBER_RE = new RegExp(
  String.raw`(?:${NUMBER_LABELS.join('|')})\s*[:#.]?\s*([A-Z0-9][A-Z0-9\-/._]{0,39})`,
  'giu',
);

/** Labels of the total with VAT; `strong` ones beat a generic "Total". */
const TOTAL_LABELS: { re: string; strong: boolean; payable?: boolean }[] = [
  {
    re: String.raw`grand\s*total|total\s*(?:amount\s*)?(?:incl\.?|including)\s*(?:vat|tax)|invoice\s*total|total\s*amount`,
    strong: true,
  },
  { re: String.raw`amount\s*due|total\s*due|balance\s*due|amount\s*payable`, strong: true, payable: true },
  { re: String.raw`gesamtbetrag|rechnungsbetrag|endbetrag|bruttobetrag|gesamtsumme|summe\s*brutto`, strong: true },
  { re: String.raw`zu\s*zahlen(?:der\s*betrag)?|zahlbetrag`, strong: true, payable: true },
  { re: String.raw`total\s*ttc|montant\s*ttc|montant\s*total`, strong: true },
  { re: String.raw`net\s*[àa]\s*payer|montant\s*[àa]\s*payer`, strong: true, payable: true },
  { re: String.raw`importe\s*total|total\s*factura`, strong: true },
  { re: String.raw`importe\s*a\s*pagar|total\s*a\s*pagar`, strong: true, payable: true },
  { re: String.raw`totale\s*(?:fattura|documento)|importo\s*totale`, strong: true },
  { re: String.raw`totale\s*da\s*pagare|importo\s*da\s*pagare|netto\s*a\s*pagare`, strong: true, payable: true },
  { re: String.raw`totaal\s*(?:bedrag|incl\.?\s*btw)|totaalbedrag`, strong: true },
  { re: String.raw`(?:totaal\s*)?te\s*betalen`, strong: true, payable: true },
  { re: String.raw`total|summe|totale|totaal|gesamt`, strong: false },
];
/** Labels of the total without VAT. */
const NET_LABELS = String.raw`sub\s*-?total|total\s*(?:excl\.?|excluding|net|before\s*tax|ht|hors\s*taxes?)|net\s*amount|nettobetrag|zwischensumme|summe\s*netto|gesamt\s*netto|montant\s*ht|base\s*imponible|imponibile|totaal\s*excl\.?\s*btw|subtotaal`;

const CURRENCY_CODES = [
  'EUR',
  'USD',
  'GBP',
  'CHF',
  'SEK',
  'NOK',
  'DKK',
  'PLN',
  'CZK',
  'HUF',
  'RON',
  'BGN',
  'JPY',
  'CAD',
  'AUD',
];
const SYMBOLS: Record<string, string> = {
  '€': 'EUR',
  $: 'USD',
  '£': 'GBP',
  '¥': 'JPY',
  US$: 'USD',
  'Fr.': 'CHF',
  zł: 'PLN',
  Kč: 'CZK',
};
const CUR = String.raw`(?:${CURRENCY_CODES.join('|')}|US\$|€|\$|£|¥|zł|Kč)`;
const AMOUNT = String.raw`[-\u2212]?\d{1,3}(?:[.,'\u00a0\u202f ]\d{3})*(?:[.,]\d{1,2})?(?!\d)|[-\u2212]?\d+(?:[.,]\d{1,2})?(?!\d)`;
/** label, then on the same line: optional currency, amount, optional currency. */
function amountAfter(label: string): RegExp {
  return new RegExp(
    String.raw`(?<!\p{L})(?:${label})(?!\p{L})([^\n\d€$£¥]{0,40}?)(${CUR})?\s*(${AMOUNT})(?!\s*%)\s*(${CUR})?`,
    'giu',
  );
}

const ISSUE_DATE_LABELS = String.raw`invoice\s*date|date\s*of\s*invoice|issue\s*date|rechnungsdatum|datum|date\s*de\s*(?:la\s*)?facture|fecha(?:\s*de\s*(?:la\s*)?factura)?|data\s*(?:della\s*)?fattura|factuurdatum|(?<!(?:due|payment|delivery|order|expiry|expiration)\s{1,3})date(?!\s*d['’]?[ée]ch)`;
const DUE_DATE_LABELS = String.raw`due\s*date|payment\s*due|due\s*by|pay\s*by|f[äa]llig(?:keitsdatum|\s*am)?|zahlbar\s*bis|[ée]ch[ée]ance|date\s*d['’]?[ée]ch[ée]ance|vencimiento|fecha\s*de\s*vencimiento|scadenza|data\s*(?:di\s*)?scadenza|vervaldatum|uiterste\s*betaaldatum`;

const IBAN_RE = /\b([A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?)\b/g;
const VAT_RE =
  /(?:VAT|USt-?Id(?:Nr)?\.?|UID|TVA|IVA|BTW|P\.?\s?IVA|N[°º]?\s*TVA)[^\n]{0,25}?\b([A-Z]{2}\s?[0-9A-Z]{8,12})\b/giu;

interface Found<T> {
  value: T;
  index: number;
  /** Text between the label and the amount ("incl. VAT:", " HT :"). */
  between: string;
}

/** After a generic "Total": the words that make it a tax or net figure, not the total with VAT. */
const NOT_GRAND_TOTAL = /^\s*(?:vat|tax|mwst|ust|tva|iva|btw|ht|net|netto|excl|hors|sans|before|imponibile)(?!\p{L})/iu;

export function readPdfText(pages: string[]): PdfTextRead {
  const text = pages.join('\n').replace(/\r/g, '');
  const vocab = findInvoiceVocabulary(text);
  const number = findNumber(text);
  const total = findTotal(text);
  const net = firstAmount(text, NET_LABELS);

  if (number === null && total.gross === null && total.payable === null) {
    return {
      found: false,
      reason:
        vocab.length > 0
          ? 'PDF text mentions invoices but carries no invoice number or total'
          : 'PDF text has no invoice number, total or invoice vocabulary',
    };
  }

  const inv = emptyInvoice('pdf-text', vocab.some((h) => h.creditNote) ? 'creditNote' : 'invoice');
  const warnings: string[] = ['fields read from PDF text by heuristics'];
  inv.number = number;
  // "Amount due" is BT-115; it stands in for the total only when no total with VAT is printed.
  inv.totalAmount = total.gross?.amount ?? total.payable?.amount ?? null;
  inv.payableAmount = total.payable?.amount ?? null;
  inv.taxExclusiveAmount = net?.amount ?? null;
  inv.currency = total.gross?.currency ?? total.payable?.currency ?? net?.currency ?? dominantCurrency(text);
  inv.issueDate = labelledDate(text, ISSUE_DATE_LABELS);
  inv.dueDate = labelledDate(text, DUE_DATE_LABELS);
  if (inv.issueDate === null) {
    const dates = findPrintedDates(text);
    inv.issueDate = dates[0] ?? null;
    if (inv.issueDate !== null) warnings.push('issue date guessed as the first date in the text');
  }
  inv.iban = findIban(text);
  inv.sellerVatId = findVatId(text);

  let score = 0;
  if (inv.number !== null) score += 0.3;
  if (inv.totalAmount !== null) score += 0.3;
  if (inv.currency !== null) score += 0.1;
  if (inv.issueDate !== null) score += 0.1;
  if (vocab.length > 0) score += 0.1;
  if (inv.dueDate !== null) score += 0.025;
  if (inv.iban !== null) score += 0.025;
  if (inv.sellerVatId !== null) score += 0.025;
  if (inv.taxExclusiveAmount !== null) score += 0.025;
  inv.confidence = Math.round(Math.min(score, 0.95) * 100) / 100;
  if (inv.number === null) warnings.push('no invoice number found in the PDF text');
  if (inv.totalAmount === null) warnings.push('no total found in the PDF text');
  if (inv.currency === null) warnings.push('no currency found in the PDF text');
  return { found: true, invoice: inv, warnings };
}

function findNumber(text: string): string | null {
  NUMBER_RE.lastIndex = 0;
  for (let m = NUMBER_RE.exec(text); m !== null; m = NUMBER_RE.exec(text)) {
    const value = (m[1] ?? '').replace(/[.\-/]+$/, '');
    if (/\d/.test(value)) return value;
    // A heading can swallow the real label ("FACTURE\nNuméro de facture: X" reads as "facture numéro" + "de"):
    // look again from just after this match's start, so overlapping labels get their turn.
    NUMBER_RE.lastIndex = m.index + 1;
  }
  return null;
}

interface AmountHit {
  amount: string;
  currency: string | null;
}

function currencyOf(token: string | undefined): string | null {
  if (token === undefined) return null;
  const upper = token.toUpperCase();
  if (CURRENCY_CODES.includes(upper)) return upper;
  return SYMBOLS[token] ?? null;
}

function amountsAfter(text: string, label: string): Found<AmountHit>[] {
  const re = amountAfter(label);
  const out: Found<AmountHit>[] = [];
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const amount = normalizePrintedAmount(m[3] ?? '');
    if (amount === null) continue;
    out.push({
      value: { amount, currency: currencyOf(m[2]) ?? currencyOf(m[4]) },
      index: m.index,
      between: m[1] ?? '',
    });
  }
  return out;
}

function firstAmount(text: string, label: string): AmountHit | null {
  return amountsAfter(text, label)[0]?.value ?? null;
}

/** The total with VAT (BT-112) and the amount due (BT-115) as labelled; specific labels beat a generic "Total", a later one an earlier. */
function findTotal(text: string): { gross: AmountHit | null; payable: AmountHit | null } {
  // Generic "Total" must not catch "Subtotal", "Total HT", "Total excl. VAT" and the like.
  const netSpans = amountsAfter(text, NET_LABELS).map((f) => f.index);
  type Best = { hit: AmountHit; strong: boolean; index: number } | null;
  let gross: Best = null;
  let payable: Best = null;
  for (const label of TOTAL_LABELS) {
    for (const found of amountsAfter(text, label.re)) {
      if (!label.strong && netSpans.some((i) => Math.abs(i - found.index) <= 4)) continue;
      if (!label.strong && NOT_GRAND_TOTAL.test(found.between)) continue;
      if (!label.strong && /sub\s*-?$/i.test(text.slice(Math.max(0, found.index - 4), found.index))) continue;
      const best = label.payable === true ? payable : gross;
      const better =
        best === null || (label.strong && !best.strong) || (label.strong === best.strong && found.index > best.index);
      if (!better) continue;
      const next = { hit: found.value, strong: label.strong, index: found.index };
      if (label.payable === true) payable = next;
      else gross = next;
    }
  }
  return { gross: gross?.hit ?? null, payable: payable?.hit ?? null };
}

function dominantCurrency(text: string): string | null {
  const counts = new Map<string, number>();
  const re = new RegExp(`(?<![A-Za-z])${CUR}(?![A-Za-z])`, 'gu');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const cur = currencyOf(m[0]);
    if (cur !== null) counts.set(cur, (counts.get(cur) ?? 0) + 1);
  }
  let best: string | null = null;
  let bestCount = 0;
  for (const [cur, count] of counts) {
    if (count > bestCount) {
      best = cur;
      bestCount = count;
    }
  }
  return best;
}

function labelledDate(text: string, labels: string): string | null {
  const re = new RegExp(String.raw`(?<!\p{L})(?:${labels})(?!\p{L})\s*[:.]?\s*([^\n]{0,40})`, 'giu');
  for (let m = re.exec(text); m !== null; m = re.exec(text)) {
    const dates = findPrintedDates(m[1] ?? '');
    if (dates[0] !== undefined) return dates[0];
  }
  return null;
}

function findIban(text: string): string | null {
  IBAN_RE.lastIndex = 0;
  for (let m = IBAN_RE.exec(text); m !== null; m = IBAN_RE.exec(text)) {
    const iban = (m[1] ?? '').replace(/ /g, '');
    if (iban.length >= 15 && ibanChecksumOk(iban)) return iban;
  }
  return null;
}

/** ISO 13616 mod-97 check, computed piecewise on digit strings. */
export function ibanChecksumOk(iban: string): boolean {
  const rearranged = iban.slice(4) + iban.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 && code <= 90 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

/** A VAT id after its label: country code in capitals, then mostly digits (DE123456789, ATU12345678, FR12345678901). */
const VAT_ID_SHAPE = /^[A-Z]{2}(?=(?:[^0-9]*[0-9]){6})[0-9A-Z]+$/;

function findVatId(text: string): string | null {
  VAT_RE.lastIndex = 0;
  for (let m = VAT_RE.exec(text); m !== null; m = VAT_RE.exec(text)) {
    const id = (m[1] ?? '').replace(/\s/g, '');
    if (VAT_ID_SHAPE.test(id)) return id;
  }
  return null;
}
