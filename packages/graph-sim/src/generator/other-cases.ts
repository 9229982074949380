import { messageId, withBody } from './compose';
import type { DrawContext } from './context';
import { fill, LANGS, VOCAB, type Lang } from './language';
import { buildMessage, fileAttachment, isoSeconds, textToHtml } from './mail';
import { logoPng } from './png';
import type { GeneratedEmail } from './types';

const NEWS: Readonly<Record<Lang, readonly string[]>> = {
  en: ['Our November product news', 'Webinar invitation: working smarter in 2027', '5 tips for a tidier warehouse'],
  de: ['Newsletter: Neuheiten im November', 'Einladung zum Webinar: Lagerlogistik', 'Unsere Angebote der Woche'],
  fr: ['Les nouveautés du mois', 'Invitation au webinaire : logistique', 'Nos offres de la semaine'],
  es: ['Novedades del mes', 'Invitación al seminario web: logística', 'Ofertas de la semana'],
  it: ['Le novità del mese', 'Invito al webinar: logistica', 'Le offerte della settimana'],
  nl: ['Nieuws van deze maand', 'Uitnodiging webinar: logistiek', 'Aanbiedingen van de week'],
};

const TOPICS: Readonly<Record<Lang, readonly string[]>> = {
  en: ['Delivery schedule next week', 'Meeting notes', 'Updated price list request'],
  de: ['Liefertermin nächste Woche', 'Protokoll der Besprechung', 'Anfrage Preisliste'],
  fr: ['Planning de livraison', 'Compte rendu de réunion', 'Demande de catalogue'],
  es: ['Plan de entregas', 'Acta de la reunión', 'Solicitud de catálogo'],
  it: ['Programma consegne', 'Verbale della riunione', 'Richiesta listino'],
  nl: ['Leveringsplanning', 'Notulen van het overleg', 'Aanvraag prijslijst'],
};

export function newsletterCase(ctx: DrawContext): GeneratedEmail {
  const lang = ctx.rng.pick(LANGS);
  const brand = ctx.rng.pick(['Contoso Office', 'Fabrikam Supply', 'Tailspin Tools', 'Wide World Importers']);
  const from = { name: `${brand} News`, address: `news@${brand.toLowerCase().replace(/\s+/g, '')}.example` };
  const subject = ctx.rng.pick(NEWS[lang]);
  const text = `${subject}\n\nhttps://${from.address.split('@')[1] as string}/news\n\n${brand}`;
  const cid = `hero-${ctx.rng.hex(8)}@news`;
  const html = textToHtml(text, `\n<p><img src="cid:${cid}" alt="${brand}" width="96" height="24"></p>`);
  const message = buildMessage({
    subject,
    text,
    html,
    from,
    to: ctx.mailbox,
    received: ctx.received,
    internetMessageId: messageId(ctx, from.address.split('@')[1] as string),
    attachments: [fileAttachment('banner.png', 'image/png', logoPng(0xd04a02), { inline: true, contentId: cid })],
  });
  return {
    message,
    expected: { case: 'newsletter', invoice: false, invoices: [], malformed: false, note: 'inline image only' },
  };
}

export function replyCase(ctx: DrawContext): GeneratedEmail {
  const lang = ctx.rng.pick(LANGS);
  const v = VOCAB[lang];
  const domain = ctx.mailbox.split('@')[1] ?? 'contoso.example';
  const from = {
    name: ctx.rng.pick(['Anna Schmidt', 'Marc Dubois', 'Lucía Gómez', 'Paolo Conti', 'Sanne de Jong', 'James Carter']),
    address: '',
  };
  from.address = `${from.name
    .toLowerCase()
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/\s+/g, '.')}@${domain}`;
  const aboutInvoice = ctx.rng.chance(0.3);
  const topic = aboutInvoice ? `${v.invoice} ${ctx.tag}-${ctx.rng.int(1000, 9999)}` : ctx.rng.pick(TOPICS[lang]);
  const text = `${ctx.rng.pick(['OK, thanks.', 'Danke, passt so.', "Merci, c'est noté.", 'Gracias, de acuerdo.', 'Grazie, va bene.', 'Dank je, akkoord.'])}\n\n${from.name}\n\n> ${topic}`;
  const message = buildMessage({
    subject: `${ctx.rng.pick(['RE: ', 'AW: ', 'Re: '])}${topic}`,
    text,
    from,
    to: ctx.mailbox,
    received: ctx.received,
    internetMessageId: messageId(ctx, domain),
    attachments: [],
  });
  return {
    message,
    expected: {
      case: 'reply',
      invoice: false,
      invoices: [],
      malformed: false,
      ...(aboutInvoice ? { note: 'mentions an invoice but carries no invoice document' } : {}),
    },
  };
}

export function calendarCase(ctx: DrawContext): GeneratedEmail {
  const lang = ctx.rng.pick(LANGS);
  const topic = ctx.rng.pick(TOPICS[lang]);
  const start = new Date(ctx.received.getTime() + ctx.rng.int(1, 14) * 86_400_000);
  start.setUTCHours(ctx.rng.int(8, 16), 0, 0, 0);
  const stamp = (d: Date): string => isoSeconds(d).replace(/[-:]/g, '');
  const organizer = { name: 'Project Office', address: `pmo@${ctx.mailbox.split('@')[1] ?? 'contoso.example'}` };
  const uid = `${ctx.rng.hex(16)}@graph-sim`;
  const ics = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//graph-sim//EN',
    'METHOD:REQUEST',
    'BEGIN:VEVENT',
    `UID:${uid}`,
    `DTSTAMP:${stamp(ctx.received)}`,
    `DTSTART:${stamp(start)}`,
    `DTEND:${stamp(new Date(start.getTime() + 3_600_000))}`,
    `SUMMARY:${topic}`,
    `ORGANIZER;CN=${organizer.name}:mailto:${organizer.address}`,
    `ATTENDEE;RSVP=TRUE:mailto:${ctx.mailbox}`,
    'END:VEVENT',
    'END:VCALENDAR',
    '',
  ].join('\r\n');
  const body = withBody(ctx, fill('{t}\n{d}', { t: topic, d: isoSeconds(start) }), 0.5, 0x2e7d32);
  const message = buildMessage({
    subject: `${ctx.rng.pick(['Invitation: ', 'Einladung: ', 'Invitation : ', 'Invitación: ', 'Invito: ', 'Uitnodiging: '])}${topic}`,
    text: body.text,
    ...(body.html !== undefined ? { html: body.html } : {}),
    from: organizer,
    to: ctx.mailbox,
    received: ctx.received,
    internetMessageId: messageId(ctx, organizer.address.split('@')[1] as string),
    attachments: [fileAttachment('invite.ics', 'text/calendar', Buffer.from(ics, 'utf8')), ...body.inline],
  });
  return { message, expected: { case: 'calendar', invoice: false, invoices: [], malformed: false } };
}
