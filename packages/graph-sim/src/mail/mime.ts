import { createHash } from 'node:crypto';
import type { Message, Recipient } from '@microsoft/microsoft-graph-types';
import { Base64Bytes } from '../content/base64';
import { ConcatBytes, MemoryBytes, textBytes, type ByteSource } from '../content/byte-source';
import type { StoredMessage } from '../state/types';

const LINE = 76;

/** RFC 2047 encoded-word for header text that is not plain ASCII. */
function headerText(s: string): string {
  const clean = s.replace(/[\r\n]+/g, ' ');
  return /^[\x20-\x7e]*$/.test(clean) ? clean : `=?utf-8?B?${Buffer.from(clean, 'utf8').toString('base64')}?=`;
}

function address(r: Recipient | null | undefined): string {
  const a = r?.emailAddress;
  if (!a?.address) return '';
  return a.name ? `${headerText(a.name)} <${a.address}>` : a.address;
}

function addresses(list: Recipient[] | null | undefined): string {
  return (list ?? []).map(address).filter(Boolean).join(', ');
}

function rfc2822Date(iso: string | null | undefined): string {
  const t = Date.parse(iso ?? '');
  return (Number.isNaN(t) ? new Date() : new Date(t)).toUTCString().replace('GMT', '+0000');
}

function quoted(name: string): string {
  return `"${headerText(name).replace(/["\\]/g, '_')}"`;
}

function headerLines(d: Message): string[] {
  const lines = [
    `From: ${address(d.from)}`,
    `To: ${addresses(d.toRecipients)}`,
    d.ccRecipients?.length ? `Cc: ${addresses(d.ccRecipients)}` : '',
    `Subject: ${headerText(d.subject ?? '')}`,
    `Date: ${rfc2822Date(d.sentDateTime ?? d.receivedDateTime)}`,
    `Message-ID: ${d.internetMessageId ?? ''}`,
    'MIME-Version: 1.0',
  ];
  return lines.filter(Boolean);
}

/**
 * The MIME content of a message (`GET .../messages/{id}/$value`): headers, the body and each attachment in
 * base64 lines of 76 characters. Built as a byte source, so a 150 MB message is written without being held.
 */
export function messageMime(m: StoredMessage): ByteSource {
  const d = m.data;
  const bodyType = d.body?.contentType === 'html' ? 'text/html' : 'text/plain';
  const bodyPart = new Base64Bytes(new MemoryBytes(Buffer.from(d.body?.content ?? '', 'utf8')), LINE);
  const head = headerLines(d);
  if (m.attachments.length === 0) {
    const top = [...head, `Content-Type: ${bodyType}; charset="utf-8"`, 'Content-Transfer-Encoding: base64', '', ''];
    return new ConcatBytes([textBytes(top.join('\r\n')), bodyPart]);
  }
  const boundary = `_graph_sim_${createHash('sha1').update(m.key).digest('hex')}_`;
  const parts: ByteSource[] = [
    textBytes(
      [
        ...head,
        `Content-Type: multipart/mixed; boundary="${boundary}"`,
        '',
        `--${boundary}`,
        `Content-Type: ${bodyType}; charset="utf-8"`,
        'Content-Transfer-Encoding: base64',
        '',
        '',
      ].join('\r\n'),
    ),
    bodyPart,
  ];
  for (const a of m.attachments) {
    const name = a.meta.name ?? 'attachment';
    const disposition = a.meta.isInline ? 'inline' : 'attachment';
    const lines = [
      `--${boundary}`,
      `Content-Type: ${a.meta.contentType ?? 'application/octet-stream'}; name=${quoted(name)}`,
      `Content-Disposition: ${disposition}; filename=${quoted(name)}; size=${a.content.size}`,
    ];
    if (a.meta.contentId) lines.push(`Content-ID: <${a.meta.contentId}>`);
    lines.push('Content-Transfer-Encoding: base64', '', '');
    parts.push(textBytes(lines.join('\r\n')), new Base64Bytes(a.content, LINE));
  }
  parts.push(textBytes(`--${boundary}--\r\n`));
  return new ConcatBytes(parts);
}
