// Dates to YYYY-MM-DD, from ISO (UBL), CII format 102 (YYYYMMDD) and common printed forms.

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

function isValidDate(y: number, m: number, d: number): boolean {
  if (y < 1900 || y > 2200 || m < 1 || m > 12 || d < 1) return false;
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return d <= days;
}

export function ymd(y: number, m: number, d: number): string | null {
  return isValidDate(y, m, d) ? `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}` : null;
}

/** UBL xs:date ("2024-01-31", possibly with a timezone "2024-01-31Z" / "+01:00"). */
export function isoDate(text: string | null): string | null {
  if (text === null) return null;
  const m = /^\s*(\d{4})-(\d{2})-(\d{2})/.exec(text);
  return m ? ymd(Number(m[1]), Number(m[2]), Number(m[3])) : null;
}

/** CII udt:DateTimeString with its format attribute: 102 = YYYYMMDD, 610 = YYYYMM, 616 = YYYYWW (no day: null). */
export function ciiDate(text: string | null, format: string | null): string | null {
  if (text === null) return null;
  const t = text.trim();
  if (format === null || format === '102') {
    const m = /^(\d{4})(\d{2})(\d{2})$/.exec(t);
    if (m) return ymd(Number(m[1]), Number(m[2]), Number(m[3]));
    return isoDate(t); // tolerate ISO where 102 was declared or the attribute is missing
  }
  return null;
}

const MONTHS: Record<string, number> = {
  january: 1,
  jan: 1,
  januar: 1,
  janvier: 1,
  enero: 1,
  gennaio: 1,
  januari: 1,
  jänner: 1,
  february: 2,
  feb: 2,
  februar: 2,
  février: 2,
  fevrier: 2,
  febrero: 2,
  febbraio: 2,
  februari: 2,
  march: 3,
  mar: 3,
  märz: 3,
  maerz: 3,
  mars: 3,
  marzo: 3,
  maart: 3,
  april: 4,
  apr: 4,
  avril: 4,
  abril: 4,
  aprile: 4,
  may: 5,
  mai: 5,
  mayo: 5,
  maggio: 5,
  mei: 5,
  june: 6,
  jun: 6,
  juni: 6,
  juin: 6,
  junio: 6,
  giugno: 6,
  july: 7,
  jul: 7,
  juli: 7,
  juillet: 7,
  julio: 7,
  luglio: 7,
  august: 8,
  aug: 8,
  août: 8,
  aout: 8,
  agosto: 8,
  augustus: 8,
  september: 9,
  sep: 9,
  sept: 9,
  septembre: 9,
  septiembre: 9,
  settembre: 9,
  october: 10,
  oct: 10,
  oktober: 10,
  octobre: 10,
  octubre: 10,
  ottobre: 10,
  okt: 10,
  november: 11,
  nov: 11,
  novembre: 11,
  noviembre: 11,
  december: 12,
  dec: 12,
  dezember: 12,
  décembre: 12,
  decembre: 12,
  diciembre: 12,
  dicembre: 12,
  dez: 12,
};

const MONTH_WORD = '[A-Za-zÀ-ÿ]{3,10}\\.?';

/** Finds printed dates in free text, in order of appearance, as YYYY-MM-DD. Day-first for dotted/slashed forms. */
export function findPrintedDates(text: string): string[] {
  const found: { index: number; date: string }[] = [];
  const patterns: { re: RegExp; toDate: (m: RegExpExecArray) => string | null }[] = [
    { re: /\b(\d{4})-(\d{2})-(\d{2})\b/g, toDate: (m) => ymd(Number(m[1]), Number(m[2]), Number(m[3])) },
    { re: /\b(\d{1,2})[./-](\d{1,2})[./-](\d{4})\b/g, toDate: (m) => ymd(Number(m[3]), Number(m[2]), Number(m[1])) },
    {
      re: new RegExp(`\\b(\\d{1,2})\\.?\\s+(?:de\\s+)?(${MONTH_WORD})\\s+(?:de\\s+)?(\\d{4})\\b`, 'g'),
      toDate: (m) => monthDate(m[3], m[2], m[1]),
    },
    {
      re: new RegExp(`\\b(${MONTH_WORD})\\s+(\\d{1,2}),?\\s+(\\d{4})\\b`, 'g'),
      toDate: (m) => monthDate(m[3], m[1], m[2]),
    },
  ];
  for (const { re, toDate } of patterns) {
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      const date = toDate(m);
      if (date !== null) found.push({ index: m.index, date });
    }
  }
  return found.sort((a, b) => a.index - b.index).map((f) => f.date);
}

function monthDate(year: string | undefined, monthWord: string | undefined, day: string | undefined): string | null {
  if (year === undefined || monthWord === undefined || day === undefined) return null;
  const month = MONTHS[monthWord.toLowerCase().replace(/\.$/, '')];
  return month === undefined ? null : ymd(Number(year), month, Number(day));
}
