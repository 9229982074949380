/** Invoice vocabulary in the languages the generator writes (subjects, bodies and PDF labels). */
export type Lang = 'en' | 'de' | 'fr' | 'es' | 'it' | 'nl';
export const LANGS: readonly Lang[] = ['en', 'de', 'fr', 'es', 'it', 'nl'];

export interface Vocabulary {
  invoice: string;
  creditNote: string;
  invoices: string;
  number: string;
  date: string;
  due: string;
  billTo: string;
  net: string;
  vat: string;
  total: string;
  payable: string;
  vatId: string;
  qty: string;
  description: string;
  amount: string;
  subjects: readonly string[];
  greeting: string;
  attached: string;
  attachedMany: string;
  regards: string;
  reminder: string;
  forward: string;
}

export const VOCAB: Readonly<Record<Lang, Vocabulary>> = {
  en: {
    invoice: 'Invoice',
    creditNote: 'Credit note',
    invoices: 'Invoices',
    number: 'Invoice number',
    date: 'Invoice date',
    due: 'Due date',
    billTo: 'Bill to',
    net: 'Subtotal excl. VAT',
    vat: 'VAT',
    total: 'Total incl. VAT',
    payable: 'Amount due',
    vatId: 'VAT no.',
    qty: 'Qty',
    description: 'Description',
    amount: 'Amount',
    subjects: ['Invoice {n}', 'Your invoice {n} from {s}', 'Invoice {n} - {s}', '{s}: invoice {n}'],
    greeting: 'Dear customer,',
    attached: 'please find attached our {doc} {n}.',
    attachedMany: 'please find attached our invoices {n}.',
    regards: 'Kind regards,',
    reminder: 'Reminder: ',
    forward: 'FW: ',
  },
  de: {
    invoice: 'Rechnung',
    creditNote: 'Gutschrift',
    invoices: 'Rechnungen',
    number: 'Rechnungsnummer',
    date: 'Rechnungsdatum',
    due: 'Fällig am',
    billTo: 'Rechnungsempfänger',
    net: 'Nettobetrag',
    vat: 'USt.',
    total: 'Gesamtbetrag',
    payable: 'Zahlbetrag',
    vatId: 'USt-IdNr.',
    qty: 'Menge',
    description: 'Bezeichnung',
    amount: 'Betrag',
    subjects: ['Rechnung {n}', 'Ihre Rechnung Nr. {n}', 'Rechnung {n} von {s}', '{s} - Rechnung {n}'],
    greeting: 'Sehr geehrte Damen und Herren,',
    attached: 'anbei erhalten Sie unsere {doc} {n}.',
    attachedMany: 'anbei erhalten Sie unsere Rechnungen {n}.',
    regards: 'Mit freundlichen Grüßen',
    reminder: 'Erinnerung: ',
    forward: 'WG: ',
  },
  fr: {
    invoice: 'Facture',
    creditNote: 'Avoir',
    invoices: 'Factures',
    number: 'Numéro de facture',
    date: 'Date de facture',
    due: "Date d'échéance",
    billTo: 'Facturé à',
    net: 'Total HT',
    vat: 'TVA',
    total: 'Total TTC',
    payable: 'Net à payer',
    vatId: 'N° TVA',
    qty: 'Qté',
    description: 'Désignation',
    amount: 'Montant',
    subjects: ['Facture {n}', 'Votre facture n° {n}', 'Facture {n} - {s}', '{s} : facture {n}'],
    greeting: 'Madame, Monsieur,',
    attached: 'veuillez trouver ci-joint notre {doc} {n}.',
    attachedMany: 'veuillez trouver ci-joint nos factures {n}.',
    regards: 'Cordialement,',
    reminder: 'Rappel : ',
    forward: 'TR: ',
  },
  es: {
    invoice: 'Factura',
    creditNote: 'Nota de crédito',
    invoices: 'Facturas',
    number: 'Número de factura',
    date: 'Fecha de factura',
    due: 'Fecha de vencimiento',
    billTo: 'Cliente',
    net: 'Base imponible',
    vat: 'IVA',
    total: 'Total',
    payable: 'Importe a pagar',
    vatId: 'NIF-IVA',
    qty: 'Cant.',
    description: 'Concepto',
    amount: 'Importe',
    subjects: ['Factura {n}', 'Su factura n.º {n}', 'Factura {n} - {s}', '{s}: factura {n}'],
    greeting: 'Estimado cliente:',
    attached: 'adjuntamos nuestra {doc} {n}.',
    attachedMany: 'adjuntamos nuestras facturas {n}.',
    regards: 'Saludos cordiales,',
    reminder: 'Recordatorio: ',
    forward: 'RV: ',
  },
  it: {
    invoice: 'Fattura',
    creditNote: 'Nota di credito',
    invoices: 'Fatture',
    number: 'Numero fattura',
    date: 'Data fattura',
    due: 'Scadenza',
    billTo: 'Cliente',
    net: 'Imponibile',
    vat: 'IVA',
    total: 'Totale documento',
    payable: 'Totale da pagare',
    vatId: 'P.IVA',
    qty: 'Q.tà',
    description: 'Descrizione',
    amount: 'Importo',
    subjects: ['Fattura {n}', 'Fattura n. {n}', 'Invio fattura {n} - {s}', '{s}: fattura {n}'],
    greeting: 'Gentile cliente,',
    attached: 'in allegato la nostra {doc} {n}.',
    attachedMany: 'in allegato le nostre fatture {n}.',
    regards: 'Cordiali saluti,',
    reminder: 'Sollecito: ',
    forward: 'I: ',
  },
  nl: {
    invoice: 'Factuur',
    creditNote: 'Creditnota',
    invoices: 'Facturen',
    number: 'Factuurnummer',
    date: 'Factuurdatum',
    due: 'Vervaldatum',
    billTo: 'Factuur aan',
    net: 'Subtotaal excl. btw',
    vat: 'BTW',
    total: 'Totaal incl. btw',
    payable: 'Te betalen',
    vatId: 'Btw-nr.',
    qty: 'Aantal',
    description: 'Omschrijving',
    amount: 'Bedrag',
    subjects: ['Factuur {n}', 'Uw factuur {n} van {s}', 'Factuur {n} - {s}', '{s}: factuur {n}'],
    greeting: 'Geachte klant,',
    attached: 'in de bijlage vindt u onze {doc} {n}.',
    attachedMany: 'in de bijlage vindt u onze facturen {n}.',
    regards: 'Met vriendelijke groet,',
    reminder: 'Herinnering: ',
    forward: 'Doorst: ',
  },
};

export function fill(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/\{(\w+)\}/g, (m, key: string) => values[key] ?? m);
}

/** An amount in cents as the document's locale writes it ('1,234.50', '1.234,50', '1 234,50'). */
export function formatAmount(cents: number, lang: Lang): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const units = Math.floor(abs / 100).toString();
  const fraction = (abs % 100).toString().padStart(2, '0');
  const group = lang === 'en' ? ',' : lang === 'fr' ? ' ' : '.';
  const grouped = units.replace(/\B(?=(\d{3})+(?!\d))/g, group);
  return `${sign}${grouped}${lang === 'en' ? '.' : ','}${fraction}`;
}

/** An ISO date as the locale writes it on a page. */
export function formatDate(iso: string, lang: Lang): string {
  const [y, m, d] = iso.split('-') as [string, string, string];
  switch (lang) {
    case 'en':
      return iso;
    case 'de':
      return `${d}.${m}.${y}`;
    case 'nl':
      return `${d}-${m}-${y}`;
    default:
      return `${d}/${m}/${y}`;
  }
}

/** Cents as the decimal string the expected outcome uses ('1234.50'). */
export function centsToDecimal(cents: number): string {
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  return `${sign}${Math.floor(abs / 100)}.${(abs % 100).toString().padStart(2, '0')}`;
}
