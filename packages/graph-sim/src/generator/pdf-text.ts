import { centsToDecimal, formatAmount, formatDate, VOCAB, type Lang } from './language';
import type { Party } from './parties';
import { PdfPage } from './pdf';
import type { Prng } from './prng';
import type { InvoiceFields } from './types';

/** A plain (non-structured) invoice, drawn as text on a PDF page. */
export interface PlainInvoice {
  lang: Lang;
  number: string;
  issueDate: string;
  dueDate: string;
  currency: string;
  seller: Party;
  buyer: Party;
  lines: { description: string; qty: number; unitCents: number; amountCents: number }[];
  netCents: number;
  vatCents: number;
  totalCents: number;
}

const ITEMS: Readonly<Record<Lang, readonly string[]>> = {
  en: [
    'Consulting services',
    'Office supplies',
    'Maintenance contract',
    'Software licence',
    'Transport and delivery',
    'Printer toner',
  ],
  de: [
    'Beratungsleistung',
    'Büromaterial',
    'Wartungsvertrag',
    'Softwarelizenz',
    'Transport und Lieferung',
    'Druckerpatronen',
  ],
  fr: [
    'Prestation de conseil',
    'Fournitures de bureau',
    'Contrat de maintenance',
    'Licence logicielle',
    'Transport et livraison',
    'Cartouches',
  ],
  es: [
    'Servicios de consultoría',
    'Material de oficina',
    'Contrato de mantenimiento',
    'Licencia de software',
    'Transporte',
    'Tóner',
  ],
  it: ['Consulenza', 'Cancelleria', 'Contratto di manutenzione', 'Licenza software', 'Trasporto e consegna', 'Toner'],
  nl: [
    'Advieswerkzaamheden',
    'Kantoorartikelen',
    'Onderhoudscontract',
    'Softwarelicentie',
    'Transport en levering',
    'Toner',
  ],
};

export function drawPlainData(
  rng: Prng,
  lang: Lang,
  seller: Party,
  buyer: Party,
  number: string,
  issueDate: string,
  dueDate: string,
): PlainInvoice {
  const lines = Array.from({ length: rng.int(1, 5) }, () => {
    const qty = rng.int(1, 12);
    const unitCents = rng.int(150, 95_000);
    return { description: rng.pick(ITEMS[lang]), qty, unitCents, amountCents: qty * unitCents };
  });
  const netCents = lines.reduce((s, l) => s + l.amountCents, 0);
  const vatCents = Math.round((netCents * seller.vatRate) / 100);
  return {
    lang,
    number,
    issueDate,
    dueDate,
    currency: seller.currency,
    seller,
    buyer,
    lines,
    netCents,
    vatCents,
    totalCents: netCents + vatCents,
  };
}

export function plainExpected(inv: PlainInvoice): InvoiceFields {
  return {
    number: inv.number,
    issueDate: inv.issueDate,
    dueDate: inv.dueDate,
    currency: inv.currency,
    totalAmount: centsToDecimal(inv.totalCents),
    taxExclusiveAmount: centsToDecimal(inv.netCents),
    payableAmount: centsToDecimal(inv.totalCents),
    sellerName: inv.seller.name,
    sellerVatId: inv.seller.vatId,
    buyerName: inv.buyer.name,
    iban: inv.seller.iban,
  };
}

export async function drawPlainInvoice(inv: PlainInvoice): Promise<Uint8Array> {
  const v = VOCAB[inv.lang];
  const money = (cents: number): string => `${formatAmount(cents, inv.lang)} ${inv.currency}`;
  const p = await PdfPage.create(`${v.invoice} ${inv.number}`, inv.seller.name, new Date(`${inv.issueDate}T08:00:00Z`));
  p.text(50, inv.seller.name, { size: 16, bold: true });
  p.down(16);
  p.text(50, `${inv.seller.street}, ${inv.seller.city}`);
  p.down();
  p.text(50, `${v.vatId} ${inv.seller.vatId}`);
  p.down(10, 3);
  p.text(50, v.billTo, { bold: true });
  p.down();
  p.text(50, inv.buyer.name);
  p.down();
  p.text(50, `${inv.buyer.street}, ${inv.buyer.city}`);
  p.down(10, 3);
  p.text(50, v.invoice.toUpperCase(), { size: 20, bold: true });
  p.down(20);
  p.text(50, `${v.number}: ${inv.number}`);
  p.down();
  p.text(50, `${v.date}: ${formatDate(inv.issueDate, inv.lang)}`);
  p.down();
  p.text(50, `${v.due}: ${formatDate(inv.dueDate, inv.lang)}`);
  p.down(10, 2.5);
  p.text(50, v.description, { bold: true });
  p.text(380, v.qty, { bold: true, right: true });
  p.text(545, v.amount, { bold: true, right: true });
  p.down();
  p.rule();
  for (const line of inv.lines) {
    p.text(50, line.description);
    p.text(380, String(line.qty), { right: true });
    p.text(545, money(line.amountCents), { right: true });
    p.down();
  }
  p.rule();
  p.pair(v.net, money(inv.netCents));
  p.pair(`${v.vat} ${inv.seller.vatRate}%`, money(inv.vatCents));
  p.pair(v.total, money(inv.totalCents), true);
  p.pair(v.payable, money(inv.totalCents), true);
  p.down(10, 2);
  p.text(50, `IBAN: ${inv.seller.iban}`);
  return p.save();
}
