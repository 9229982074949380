// A second, independent reading of a fixture's key fields with plain regular expressions over the raw text
// (roughly the README's XPaths), used only to measure the extractor's field accuracy.

export interface IndependentFields {
  number: string | null;
  issueDate: string | null;
  currency: string | null;
  taxExclusiveAmount: string | null;
  totalAmount: string | null;
  payableAmount: string | null;
}

function first(re: RegExp, text: string): string | null {
  const m = re.exec(text);
  return m?.[1]?.trim() ?? null;
}

function after(marker: RegExp, text: string): string {
  const m = marker.exec(text);
  return m ? text.slice(m.index) : '';
}

export function readIndependently(xml: string): IndependentFields {
  const body = xml.replace(/<!--[\s\S]*?-->/g, '');
  if (/<(\w+:)?CrossIndustryInvoice[\s>]/.test(body)) {
    const doc = after(/<(\w+:)?ExchangedDocument>/, body);
    const d = first(/IssueDateTime>\s*<[^>]*DateTimeString[^>]*>\s*(\d{8})/, doc);
    return {
      number: first(/<(?:\w+:)?ID>([^<]*)</, doc),
      issueDate: d === null ? null : `${d.slice(0, 4)}-${d.slice(4, 6)}-${d.slice(6, 8)}`,
      currency: first(/<(?:\w+:)?InvoiceCurrencyCode>([^<]*)</, body),
      taxExclusiveAmount: first(/<(?:\w+:)?TaxBasisTotalAmount[^>]*>([^<]*)</, body),
      totalAmount: first(/<(?:\w+:)?GrandTotalAmount[^>]*>([^<]*)</, body),
      payableAmount: first(/<(?:\w+:)?DuePayableAmount[^>]*>([^<]*)</, body),
    };
  }
  // UBL: the document ID is the last cbc:ID before cbc:IssueDate (extensions and profile come first).
  const head = body.slice(0, body.search(/<(\w+:)?IssueDate>/));
  const ids = [...head.matchAll(/<(?:\w+:)?ID(?:\s[^>]*)?>([^<]*)</g)].map((m) => m[1] ?? '');
  const totals = after(/<(\w+:)?LegalMonetaryTotal>/, body);
  return {
    number: ids.length > 0 ? (ids[ids.length - 1] ?? '').trim() : null,
    issueDate: first(/<(?:\w+:)?IssueDate>([^<]*)</, body),
    currency: first(/<(?:\w+:)?DocumentCurrencyCode[^>]*>([^<]*)</, body),
    taxExclusiveAmount: first(/<(?:\w+:)?TaxExclusiveAmount[^>]*>([^<]*)</, totals),
    totalAmount: first(/<(?:\w+:)?TaxInclusiveAmount[^>]*>([^<]*)</, totals),
    payableAmount: first(/<(?:\w+:)?PayableAmount[^>]*>([^<]*)</, totals),
  };
}
