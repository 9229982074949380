import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { DeltaPageFormatError, LocalDirectoryStore, readDeltaPage } from '../src';

// The delta page reader on bodies built here, cut in awkward pieces, with the real local-directory store.
const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const bytesOf = (n: number, seed: number) => Buffer.from(Array.from({ length: n }, (_, i) => (i * seed + 13) % 256));
const file = (name: string, bytes: Buffer, extra: Record<string, unknown> = {}) => ({
  '@odata.type': '#microsoft.graph.fileAttachment',
  id: `att-${name}`,
  name,
  contentType: 'application/octet-stream',
  size: bytes.length + 200, // Graph's size is not the content's
  isInline: false,
  ...extra,
  contentBytes: bytes.toString('base64'),
});

/** A body in pieces of `size` bytes; `failAfter` makes the connection break there. */
function body(json: string, size: number, failAfter?: number): Readable {
  const buf = Buffer.from(json);
  return Readable.from(
    (function* () {
      for (let i = 0; i < buf.length; i += size) {
        if (failAfter !== undefined && i >= failAfter) throw new Error('read ECONNRESET');
        yield buf.subarray(i, i + size);
      }
    })(),
  );
}

const storedFiles = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => e.name);

describe('readDeltaPage', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-delta-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('keeps metadata, stores each attachment under its SHA-256 and reports links and removals', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const pdf = bytesOf(70_001, 31);
    const xml = Buffer.from('<Invoice>é</Invoice>');
    const json = JSON.stringify({
      '@odata.context': 'ctx',
      value: [
        {
          '@odata.etag': 'W/"1"',
          id: 'm1',
          subject: 'Rechnung für März',
          from: { emailAddress: { name: 'Supplier', address: 's@x.example' } },
          receivedDateTime: '2026-11-01T10:00:00Z',
          internetMessageId: '<a@b>',
          hasAttachments: true,
          bodyPreview: 'see attached',
          isRead: false,
          attachments: [file('r.pdf', pdf), file('r.xml', xml, { contentType: 'application/xml' })],
        },
        { id: 'gone', '@removed': { reason: 'deleted' } },
        { id: 'm2', subject: null, hasAttachments: false, attachments: [] },
      ],
      '@odata.nextLink': 'https://graph.example/v1.0/next?$skiptoken=abc',
    });
    // 7-byte pieces split every token, base64 group and UTF-8 character somewhere.
    const page = await readDeltaPage(body(json, 7), store);
    expect(page.removed).toEqual(['gone']);
    expect(page.nextLink).toBe('https://graph.example/v1.0/next?$skiptoken=abc');
    expect(page.deltaLink).toBeNull();
    expect(page.bytes).toBe(Buffer.byteLength(json));
    const [m1, m2] = page.messages;
    expect(m1).toMatchObject({
      id: 'm1',
      subject: 'Rechnung für März',
      from: { emailAddress: { name: 'Supplier', address: 's@x.example' } },
      receivedDateTime: '2026-11-01T10:00:00Z',
      hasAttachments: true,
      isRead: false,
    });
    expect(m1?.attachments.map((a) => [a.name, a.size, a.content])).toEqual([
      [
        'r.pdf',
        pdf.length + 200,
        { kind: 'stored', sha256: sha(pdf), storageRef: `sha256/${sha(pdf)}`, size: pdf.length },
      ],
      [
        'r.xml',
        xml.length + 200,
        { kind: 'stored', sha256: sha(xml), storageRef: `sha256/${sha(xml)}`, size: xml.length },
      ],
    ]);
    expect(await store.get(`sha256/${sha(pdf)}`)).toEqual(pdf);
    expect(m2).toMatchObject({ id: 'm2', subject: null, attachments: [] });
  });

  it('counts an attachment over the limit and drops it unstored; inline content is only counted', async () => {
    const store = new LocalDirectoryStore(dir, 50_000);
    const photo = bytesOf(400_003, 7); // streamed to the store, which stops reading at the limit
    const scan = bytesOf(60_001, 11); // held whole (small), then refused by the store's put
    const logo = bytesOf(5_000, 3);
    const small = bytesOf(1_000, 5);
    const json = JSON.stringify({
      value: [
        {
          id: 'm1',
          attachments: [
            file('photo.jpg', photo, { contentType: 'image/jpeg' }),
            file('scan.jpg', scan, { contentType: 'image/jpeg' }),
            file('logo.png', logo, { isInline: true }),
            file('r.pdf', small),
            { '@odata.type': '#microsoft.graph.itemAttachment', id: 'i1', name: 'fwd', size: 10 },
          ],
        },
      ],
      '@odata.deltaLink': 'https://graph.example/v1.0/delta?$deltatoken=z',
    });
    const page = await readDeltaPage(body(json, 16_384), store);
    const [photoA, scanA, logoA, pdfA, itemA] = page.messages[0]?.attachments ?? [];
    expect(photoA).toMatchObject({
      name: 'photo.jpg',
      contentType: 'image/jpeg',
      content: { kind: 'too-large', size: photo.length },
    });
    expect(scanA?.content).toEqual({ kind: 'too-large', size: scan.length });
    expect(logoA?.content).toEqual({ kind: 'discarded', size: logo.length });
    expect(pdfA?.content).toMatchObject({ kind: 'stored', sha256: sha(small) });
    expect(itemA?.content).toEqual({ kind: 'absent' });
    expect(storedFiles(dir)).toEqual([sha(small)]); // neither the photo nor a temporary file of it
  });

  it('decodes base64 that carries line breaks (MIME style)', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const pdf = bytesOf(10_000, 11);
    const wrapped = pdf.toString('base64').replace(/(.{76})/g, '$1\r\n');
    const json = JSON.stringify({
      value: [{ id: 'm', attachments: [{ id: 'a', name: 'x.pdf', contentBytes: wrapped }] }],
    });
    const page = await readDeltaPage(body(json, 1000), store);
    expect(page.messages[0]?.attachments[0]?.content).toMatchObject({ kind: 'stored', sha256: sha(pdf) });
  });

  it('caps what it keeps of metadata', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const json = JSON.stringify({ value: [{ id: 'm', subject: 'x'.repeat(100_000), attachments: [] }] });
    const page = await readDeltaPage(body(json, 4096), store);
    expect(page.messages[0]?.subject).toHaveLength(16 * 1024);
  });

  it('rejects a body cut mid-attachment or mid-JSON, and leaves no partial file in the store', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const pdf = bytesOf(300_000, 17);
    const json = JSON.stringify({ value: [{ id: 'm', attachments: [file('r.pdf', pdf)] }], '@odata.deltaLink': 'd' });
    await expect(readDeltaPage(body(json, 8192, 200_000), store)).rejects.toThrow(/ECONNRESET/);
    await expect(readDeltaPage(body(json.slice(0, json.length - 30), 8192), store)).rejects.toThrow();
    await expect(readDeltaPage(body('{"value": []', 8192), store)).rejects.toThrow();
    const deep = `{"value": ${'['.repeat(40)}${']'.repeat(40)}}`;
    await expect(readDeltaPage(body(deep, 8192), store)).rejects.toThrow(DeltaPageFormatError);
    const longLink = JSON.stringify({ value: [], '@odata.nextLink': 'x'.repeat(70_000) });
    await expect(readDeltaPage(body(longLink, 8192), store)).rejects.toThrow(/longer than/);
    await expect(readDeltaPage(body('{"value": [', 8192), store)).rejects.toThrow();
    await expect(readDeltaPage(body('not json', 8192), store)).rejects.toThrow();
    // the cut after the attachment ended may leave that whole attachment stored, never a part of one
    expect(storedFiles(dir).filter((f) => f !== sha(pdf))).toEqual([]);
  });
  it('stores only what the filter wants, and tells it what the page has not shown yet', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const wanted = bytesOf(3000, 7);
    const unwanted = bytesOf(3000, 11);
    const early = bytesOf(3000, 13);
    const seen: unknown[] = [];
    const json = JSON.stringify({
      value: [
        {
          id: 'm1',
          subject: 'Invoice',
          from: { emailAddress: { address: 's@x.example' } },
          attachments: [file('keep.pdf', wanted), file('drop.png', unwanted)],
        },
        // Attachments before the message's sender, and content before an attachment's name: nothing to decide on.
        { id: 'm2', attachments: [{ contentBytes: early.toString('base64'), name: 'late.pdf' }], subject: null },
      ],
      '@odata.deltaLink': 'd',
    });
    const page = await readDeltaPage(body(json, 97), store, (m, a) => {
      seen.push({ ...m, name: a.name, size: a.size, isInline: a.isInline });
      return m.fromAddress !== undefined && a.name === 'keep.pdf';
    });
    expect(seen).toEqual([
      { subject: 'Invoice', fromAddress: 's@x.example', name: 'keep.pdf', size: 3200, isInline: false },
      { subject: 'Invoice', fromAddress: 's@x.example', name: 'drop.png', size: 3200, isInline: false },
      { subject: undefined, fromAddress: undefined, name: undefined, size: undefined, isInline: undefined },
    ]);
    expect(storedFiles(dir)).toEqual([sha(wanted)]);
    const [m1, m2] = page.messages;
    expect(m1?.attachments.map((a) => a.content)).toEqual([
      { kind: 'stored', sha256: sha(wanted), storageRef: `sha256/${sha(wanted)}`, size: 3000 },
      { kind: 'discarded', size: 3000 },
    ]);
    expect(m2?.attachments.map((a) => a.content)).toEqual([{ kind: 'discarded', size: 3000 }]);
  });
});
