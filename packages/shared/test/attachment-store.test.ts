import { createHash } from 'node:crypto';
import { fork } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AttachmentNotFoundError, AttachmentTooLargeError, LocalDirectoryStore } from '../src';

async function* pieces(bytes: Buffer, size: number, failAfter?: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < bytes.length; i += size) {
    if (failAfter !== undefined && i >= failAfter) throw new Error('connection reset');
    yield bytes.subarray(i, i + size);
  }
}

/** Every file under the store, temporary ones included. */
const filesUnder = (dir: string): string[] =>
  fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.join(e.parentPath, e.name));

describe('LocalDirectoryStore', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-store-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('stores content under its SHA-256, once', async () => {
    const store = new LocalDirectoryStore(dir, 1024);
    const bytes = Buffer.from('%PDF-1.7 invoice');
    const sha = createHash('sha256').update(bytes).digest('hex');
    const a = await store.put(bytes);
    const b = await store.put(Buffer.from(bytes));
    expect(a).toEqual({ sha256: sha, storageRef: `sha256/${sha}`, size: bytes.length, existed: false });
    expect(b.existed).toBe(true);
    expect(await store.get(a.storageRef)).toEqual(bytes);
    expect(await store.has(a.storageRef)).toBe(true);
    const files = fs.readdirSync(dir, { recursive: true }).filter((f) => String(f).endsWith(sha));
    expect(files).toHaveLength(1);
  });

  it('stores and reads content too big for direct calls (over 256 KB) through the thread pool alike', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const bytes = Buffer.from(Array.from({ length: 300_007 }, (_, i) => (i * 7 + 3) % 256));
    const sha = createHash('sha256').update(bytes).digest('hex');
    expect(await store.put(bytes)).toEqual({
      sha256: sha,
      storageRef: `sha256/${sha}`,
      size: bytes.length,
      existed: false,
    });
    expect((await store.put(Buffer.from(bytes))).existed).toBe(true);
    expect(await store.get(`sha256/${sha}`)).toEqual(bytes);
    expect(filesUnder(dir)).toHaveLength(1);
  });

  it('lays files out in 256 directories, and still finds those of the first layout (<aa>/<bb>/<sha256>)', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const fresh = await store.put(Buffer.from('a document stored now'));
    expect(filesUnder(dir)).toEqual([path.join(dir, fresh.sha256.slice(0, 2), fresh.sha256)]);
    const small = Buffer.from('a document stored by an earlier version');
    const big = Buffer.alloc(300_000, 7);
    for (const bytes of [small, big]) {
      const sha = createHash('sha256').update(bytes).digest('hex');
      const legacy = path.join(dir, sha.slice(0, 2), sha.slice(2, 4), sha);
      fs.mkdirSync(path.dirname(legacy), { recursive: true });
      fs.writeFileSync(legacy, bytes);
      expect(await store.has(`sha256/${sha}`)).toBe(true);
      expect(await store.get(`sha256/${sha}`)).toEqual(bytes);
      expect((await store.put(Buffer.from(bytes))).existed).toBe(true);
      expect((await store.putStream(pieces(bytes, 4096))).existed).toBe(true);
    }
    expect(filesUnder(dir)).toHaveLength(3);
  });

  it('makes its directories again when they are removed while it runs (it remembers those it made)', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const first = await store.putStream(pieces(Buffer.from('first document'), 5));
    await store.put(Buffer.from('second document'));
    fs.rmSync(dir, { recursive: true, force: true });
    const again = await store.putStream(pieces(Buffer.from('first document'), 7));
    expect(again).toEqual({ ...first, existed: false });
    expect((await store.put(Buffer.from('second document'))).existed).toBe(false);
    expect(await store.get(again.storageRef)).toEqual(Buffer.from('first document'));
    expect(filesUnder(dir)).toHaveLength(2);
  });

  it('refuses oversized content and unknown or malicious references', async () => {
    const store = new LocalDirectoryStore(dir, 10);
    await expect(store.put(Buffer.alloc(11))).rejects.toBeInstanceOf(AttachmentTooLargeError);
    await expect(store.get(`sha256/${'0'.repeat(64)}`)).rejects.toBeInstanceOf(AttachmentNotFoundError);
    await expect(store.get('sha256/../../etc/passwd')).rejects.toThrow(/not a storage reference/);
  });

  it('stores streamed content under its SHA-256, once, whatever the pieces', async () => {
    const store = new LocalDirectoryStore(dir, 1 << 20);
    const bytes = Buffer.from(Array.from({ length: 300_000 }, (_, i) => (i * 7) % 251));
    const sha = createHash('sha256').update(bytes).digest('hex');
    const a = await store.putStream(pieces(bytes, 4093));
    const b = await store.putStream(pieces(bytes, 65536));
    expect(a).toEqual({ sha256: sha, storageRef: `sha256/${sha}`, size: bytes.length, existed: false });
    expect(b.existed).toBe(true);
    expect(await store.get(a.storageRef)).toEqual(bytes);
    expect((await store.put(bytes)).existed).toBe(true); // both ways of writing agree on the address
    expect(filesUnder(dir).map((f) => path.basename(f))).toEqual([sha]);
  });

  it('stops a streamed put as soon as it passes the limit, and leaves nothing behind on any failure', async () => {
    const store = new LocalDirectoryStore(dir, 100_000);
    const big = Buffer.alloc(1_000_000, 1);
    let pulled = 0;
    async function* counted(): AsyncGenerator<Buffer> {
      for await (const p of pieces(big, 10_000)) {
        pulled += p.length;
        yield p;
      }
    }
    const err = await store.putStream(counted()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AttachmentTooLargeError);
    expect(pulled).toBeLessThan(200_000); // it did not read the rest
    await expect(store.putStream(pieces(Buffer.alloc(50_000, 2), 1000, 20_000))).rejects.toThrow(/connection reset/);
    expect(filesUnder(dir)).toEqual([]);
    const exact = await store.putStream(pieces(Buffer.alloc(100_000, 3), 7000));
    expect(exact.size).toBe(100_000); // the limit itself is allowed
  });

  it('stays consistent under concurrent writers in several processes', async () => {
    // Three child processes write the same 200 documents at once through the compiled store (pnpm test builds first).
    const script = path.join(dir, 'writer.js');
    const dist = path.resolve(__dirname, '../dist/storage/local-directory-store.js');
    expect(fs.existsSync(dist)).toBe(true);
    fs.writeFileSync(
      script,
      `
      const { LocalDirectoryStore } = require(${JSON.stringify(dist)});
      const store = new LocalDirectoryStore(process.argv[2], 1 << 20);
      (async () => { for (let i = 0; i < 200; i++) await store.put(Buffer.from('document ' + i + ' ' + 'x'.repeat(i * 50))); process.send('done'); })();
    `,
    );
    const docs = path.join(dir, 'docs');
    await Promise.all(
      [1, 2, 3].map(
        () =>
          new Promise<void>((resolve, reject) => {
            const child = fork(script, [docs]);
            child.on('message', () => resolve());
            child.on('exit', (code) => (code ? reject(new Error(`writer exited ${code}`)) : resolve()));
          }),
      ),
    );
    const files = fs
      .readdirSync(docs, { recursive: true })
      .map(String)
      .filter((f) => /[0-9a-f]{64}$/.test(f));
    expect(files).toHaveLength(200);
    expect(
      fs
        .readdirSync(docs, { recursive: true })
        .map(String)
        .filter((f) => f.endsWith('.tmp')),
    ).toEqual([]);
    const store = new LocalDirectoryStore(docs, 1 << 20);
    for (const i of [0, 99, 199]) {
      const bytes = Buffer.from(`document ${i} ${'x'.repeat(i * 50)}`);
      const sha = createHash('sha256').update(bytes).digest('hex');
      expect(await store.get(`sha256/${sha}`)).toEqual(bytes);
    }
  });
});
