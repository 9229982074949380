// Invoice vocabulary in English, German, French, Spanish, Italian and Dutch, shared by the message
// classifier and the PDF text heuristics. Letters are matched Unicode-aware; boundaries are non-letters.

const L = '\\p{L}';
const START = `(?<!${L})`;
const END = `(?!${L})`;

export interface VocabularyHit {
  term: string;
  language: 'en' | 'de' | 'fr' | 'es' | 'it' | 'nl';
  creditNote: boolean;
}

interface Term {
  re: RegExp;
  term: string;
  language: VocabularyHit['language'];
  creditNote: boolean;
}

function term(source: string, name: string, language: VocabularyHit['language'], creditNote = false): Term {
  return { re: new RegExp(source, 'iu'), term: name, language, creditNote };
}

const TERMS: Term[] = [
  // English
  term(`${START}invoic(e|es|ed|ing)${END}`, 'invoice', 'en'),
  term(`${START}invoice(no|nr|number)${END}`, 'invoice', 'en'),
  term(`${START}credit[ -]?notes?${END}`, 'credit note', 'en', true),
  term(`${START}credit[ -]?memo${END}`, 'credit note', 'en', true),
  // German (compounds: Rechnungsnummer, Stromrechnung; but not Berechnung "calculation")
  term(`${START}rechnung(en|s${L}*)?${END}`, 'Rechnung', 'de'),
  term(`(?<!be)rechnung(en)?${END}`, 'Rechnung', 'de'),
  term(`${START}gutschrift(en|s${L}*)?${END}`, 'Gutschrift', 'de', true),
  // French ("avoir" alone is also the verb "to have": only in its invoice senses)
  term(`${START}factures?${END}`, 'facture', 'fr'),
  term(`${START}facture d['’]avoir${END}`, 'avoir', 'fr', true),
  term(`${START}avoir\\s*(n[°ºo]|num[ée]ro)`, 'avoir', 'fr', true),
  term(`${START}notes? de cr[ée]dit${END}`, 'note de crédit', 'fr', true),
  // Spanish
  term(`${START}facturas?${END}`, 'factura', 'es'),
  term(`${START}notas? de cr[ée]dito${END}`, 'nota de crédito', 'es', true),
  term(`${START}factura rectificativa${END}`, 'factura rectificativa', 'es', true),
  // Italian
  term(`${START}fattur(a|e)${END}`, 'fattura', 'it'),
  term(`${START}note? di credito${END}`, 'nota di credito', 'it', true),
  // Dutch
  term(`${START}factu(ur|ren|urnummer|urnr)${END}`, 'factuur', 'nl'),
  term(`${START}credit(nota|factuur)('s|s)?${END}`, 'creditnota', 'nl', true),
];

/** Every vocabulary term found in the text (first hit per term). */
export function findInvoiceVocabulary(text: string): VocabularyHit[] {
  const hits: VocabularyHit[] = [];
  for (const t of TERMS) {
    if (t.re.test(text) && !hits.some((h) => h.term === t.term && h.language === t.language)) {
      hits.push({ term: t.term, language: t.language, creditNote: t.creditNote });
    }
  }
  return hits;
}
