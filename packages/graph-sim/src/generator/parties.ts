import type { Lang } from './language';
import type { Prng } from './prng';

/** A fictitious company for plain PDF invoices and e-mail senders. */
export interface Party {
  name: string;
  vatId: string;
  iban: string;
  street: string;
  city: string;
  currency: string;
  vatRate: number;
  domain: string;
}

interface Country {
  code: string;
  stems: readonly string[];
  suffixes: readonly string[];
  streets: readonly string[];
  cities: readonly string[];
  vatRate: number;
  currencies: readonly string[];
  vat: (rng: Prng) => string;
  bban: (rng: Prng) => string;
}

const digits = (rng: Prng, n: number): string => Array.from({ length: n }, () => rng.int(0, 9)).join('');
const letters = (rng: Prng, n: number): string =>
  Array.from({ length: n }, () => String.fromCharCode(65 + rng.int(0, 25))).join('');

const COUNTRIES: Readonly<Record<Lang, Country>> = {
  en: {
    code: 'GB',
    stems: ['Northwind', 'Blue Harbour', 'Kestrel', 'Ashford', 'Redbrook', 'Oakline'],
    suffixes: ['Ltd', 'Supplies Ltd', 'plc'],
    streets: ['12 King Street', '4 Mill Lane', '88 High Road'],
    cities: ['Leeds', 'Bristol', 'Manchester'],
    vatRate: 20,
    currencies: ['GBP', 'GBP', 'EUR', 'USD'],
    vat: (r) => `GB${digits(r, 9)}`,
    bban: (r) => `${letters(r, 4)}${digits(r, 14)}`,
  },
  de: {
    code: 'DE',
    stems: ['Müller', 'Becker Technik', 'Nordlicht', 'Schäfer & Sohn', 'Rheinwerk', 'Alpenblick'],
    suffixes: ['GmbH', 'AG', 'KG'],
    streets: ['Hauptstraße 12', 'Industriestraße 7', 'Am Markt 3'],
    cities: ['Köln', 'Hamburg', 'München'],
    vatRate: 19,
    currencies: ['EUR'],
    vat: (r) => `DE${digits(r, 9)}`,
    bban: (r) => digits(r, 18),
  },
  fr: {
    code: 'FR',
    stems: ['Durand', 'Lumière', 'Atelier Brun', 'Bleu Marine', 'Provence Bureau', 'Les Halles'],
    suffixes: ['SARL', 'SAS', 'SA'],
    streets: ['12 rue de la Paix', '5 avenue Victor Hugo', '28 boulevard Voltaire'],
    cities: ['Lyon', 'Nantes', 'Lille'],
    vatRate: 20,
    currencies: ['EUR'],
    vat: (r) => `FR${digits(r, 11)}`,
    bban: (r) => digits(r, 23),
  },
  es: {
    code: 'ES',
    stems: ['García', 'Sol y Mar', 'Iberia Suministros', 'Montaña Verde', 'Distribuciones Norte', 'Luna'],
    suffixes: ['S.L.', 'S.A.'],
    streets: ['Calle Mayor 10', 'Avenida de la Constitución 4', 'Calle del Sol 22'],
    cities: ['Madrid', 'Valencia', 'Sevilla'],
    vatRate: 21,
    currencies: ['EUR'],
    vat: (r) => `ESB${digits(r, 8)}`,
    bban: (r) => digits(r, 20),
  },
  it: {
    code: 'IT',
    stems: ['Rossi', 'Bianchi Forniture', 'Sole', 'Lago Blu', 'Officine Verdi', 'Stella'],
    suffixes: ['S.r.l.', 'S.p.A.'],
    streets: ['Via Roma 15', 'Corso Italia 8', 'Via Garibaldi 33'],
    cities: ['Milano', 'Torino', 'Bologna'],
    vatRate: 22,
    currencies: ['EUR'],
    vat: (r) => `IT${digits(r, 11)}`,
    bban: (r) => `${letters(r, 1)}${digits(r, 22)}`,
  },
  nl: {
    code: 'NL',
    stems: ['De Vries', 'Van Dijk Techniek', 'Polder', 'Oranje Kantoor', 'Molenaar', 'Zeewind'],
    suffixes: ['B.V.', 'N.V.'],
    streets: ['Dorpsstraat 14', 'Kerkweg 2', 'Stationsplein 9'],
    cities: ['Utrecht', 'Eindhoven', 'Groningen'],
    vatRate: 21,
    currencies: ['EUR'],
    vat: (r) => `NL${digits(r, 9)}B01`,
    bban: (r) => `${letters(r, 4)}${digits(r, 10)}`,
  },
};

/** A valid IBAN (ISO 13616 check digits) for the country and BBAN. */
export function iban(country: string, bban: string): string {
  const rearranged = `${bban}${country}00`.replace(/[A-Z]/g, (c) => (c.charCodeAt(0) - 55).toString());
  let mod = 0;
  for (const ch of rearranged) mod = (mod * 10 + Number(ch)) % 97;
  return `${country}${(98 - mod).toString().padStart(2, '0')}${bban}`;
}

export function slug(name: string): string {
  return (
    name
      .normalize('NFD')
      .replace(/[\u0300-\u036f]/g, '')
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-|-$/g, '') || 'supplier'
  );
}

export function makeParty(rng: Prng, lang: Lang): Party {
  const c = COUNTRIES[lang];
  const name = `${rng.pick(c.stems)} ${rng.pick(c.suffixes)}`;
  return {
    name,
    vatId: c.vat(rng),
    iban: iban(c.code, c.bban(rng)),
    street: rng.pick(c.streets),
    city: `${digits(rng, 5)} ${rng.pick(c.cities)}`,
    currency: rng.pick(c.currencies),
    vatRate: c.vatRate,
    domain: `${slug(name)}.example`,
  };
}
