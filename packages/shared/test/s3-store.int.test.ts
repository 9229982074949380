import { createHash, randomBytes } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { startS3Sim, type S3Sim } from '@ms1/s3-sim';
import {
  AttachmentNotFoundError,
  AttachmentStoreRefusedError,
  AttachmentTooLargeError,
  RetryableError,
  type S3Settings,
} from '../src';
import { S3AttachmentStore } from '../src/storage/s3-store';

// The S3 driver against a real S3-compatible server (s3rver, started by the test on a free port).
const MB = 1024 * 1024;

function settingsOf(sim: S3Sim, extra: Partial<S3Settings> = {}): S3Settings {
  return {
    endpoint: sim.endpoint,
    region: sim.region,
    bucket: sim.bucket,
    accessKeyId: sim.accessKeyId,
    secretAccessKey: sim.secretAccessKey,
    forcePathStyle: true,
    ...extra,
  };
}

/** Chunks made only when asked for (each one different), counting what was produced and hashing it. */
function lazySource(totalBytes: number, chunkBytes: number) {
  const state = { produced: 0, sha256: createHash('sha256') };
  const pattern = randomBytes(chunkBytes);
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; state.produced < totalBytes; i++) {
      const n = Math.min(chunkBytes, totalBytes - state.produced);
      const chunk = Buffer.from(pattern.subarray(0, n));
      chunk.writeUInt32BE(i, 0);
      state.produced += n;
      state.sha256.update(chunk);
      yield chunk;
    }
  }
  return { state, chunks };
}

describe('S3AttachmentStore (real S3-compatible server)', () => {
  let sim: S3Sim;
  let store: S3AttachmentStore;
  const requests: { method: string; url: string }[] = [];
  const record = (req: IncomingMessage) => requests.push({ method: req.method ?? '', url: req.url ?? '' });
  const keys = (prefix: string) => sim.keys(prefix);

  beforeAll(async () => {
    sim = await startS3Sim({ port: 0 });
    sim.httpServer.on('request', record);
    store = new S3AttachmentStore(settingsOf(sim), 100 * MB);
  });
  afterAll(async () => {
    await store?.close();
    await sim?.stop();
  });

  it('stores bytes under sha256/<hex>, reads them back, and stores the same bytes once', async () => {
    const bytes = Buffer.from('%PDF-1.7 an invoice for the S3 store');
    const sha = createHash('sha256').update(bytes).digest('hex');
    requests.length = 0;
    const first = await store.put(bytes);
    const second = await store.put(Buffer.from(bytes));
    expect(first).toEqual({ sha256: sha, storageRef: `sha256/${sha}`, size: bytes.length, existed: false });
    expect(second).toEqual({ ...first, existed: true });
    expect(requests.filter((r) => r.method === 'PUT').map((r) => r.url.split('?')[0])).toEqual([
      `/${sim.bucket}/sha256/${sha}`,
    ]);
    expect(await store.get(first.storageRef)).toEqual(bytes);
    expect(await store.has(first.storageRef)).toBe(true);
    expect(keys('sha256/')).toContain(`sha256/${sha}`);
  });

  it('streams a put to its content address and leaves no temporary object; the same bytes again are not copied', async () => {
    const bytes = Buffer.from('<Invoice>streamed</Invoice>');
    const sha = createHash('sha256').update(bytes).digest('hex');
    requests.length = 0;
    const first = await store.putStream(
      (async function* () {
        yield bytes.subarray(0, 10);
        yield bytes.subarray(10);
      })(),
    );
    expect(first).toEqual({ sha256: sha, storageRef: `sha256/${sha}`, size: bytes.length, existed: false });
    const again = await store.putStream(
      (async function* () {
        yield bytes;
      })(),
    );
    expect(again.existed).toBe(true);
    expect(await store.put(bytes)).toMatchObject({ existed: true });
    const copies = requests.filter((r) => r.method === 'PUT' && r.url.startsWith(`/${sim.bucket}/sha256/`));
    expect(copies).toHaveLength(1);
    expect(keys('tmp/')).toEqual([]);
    const back: Buffer[] = [];
    for await (const chunk of await store.getStream(first.storageRef)) back.push(chunk as Buffer);
    expect(Buffer.concat(back)).toEqual(bytes);
  });

  it('streams a 64 MB object up and down without holding it in memory', async () => {
    const total = 64 * MB;
    const source = lazySource(total, MB);
    let producedAtFirstPart = -1;
    const watchParts = (req: IncomingMessage) => {
      if (producedAtFirstPart < 0 && req.method === 'PUT' && /[?&]partNumber=/.test(req.url ?? ''))
        producedAtFirstPart = source.state.produced;
    };
    sim.httpServer.on('request', watchParts);
    let stored;
    try {
      stored = await store.putStream(source.chunks());
    } finally {
      sim.httpServer.off('request', watchParts);
    }
    const sha = source.state.sha256.digest('hex');
    expect(stored).toEqual({ sha256: sha, storageRef: `sha256/${sha}`, size: total, existed: false });
    // The upload started while most of the source was still unread: a few 5 MB parts in memory, not 64 MB.
    expect(producedAtFirstPart).toBeGreaterThan(0);
    expect(producedAtFirstPart).toBeLessThan(24 * MB);

    // Bytes the server wrote for the GET, read from its socket (kept alive after the response, so counted from a base).
    let written = () => 0;
    const watchGet = (req: IncomingMessage) => {
      if (req.method !== 'GET' || req.url?.split('?')[0] !== `/${sim.bucket}/${stored.storageRef}`) return;
      const socket = req.socket;
      const base = socket.bytesWritten;
      written = () => socket.bytesWritten - base;
    };
    sim.httpServer.on('request', watchGet);
    const hash = createHash('sha256');
    let size = 0;
    try {
      const stream = await store.getStream(stored.storageRef);
      const iterator = stream[Symbol.asyncIterator]();
      const first = await iterator.next();
      hash.update(first.value as Buffer);
      size += (first.value as Buffer).length;
      // While the reader holds back, the server is held back too: what it wrote stays far below the object.
      let last = -1;
      while (written() !== last) {
        last = written();
        await new Promise((r) => setTimeout(r, 200));
      }
      expect(written()).toBeGreaterThan(0);
      expect(written()).toBeLessThan(32 * MB);
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        hash.update(next.value as Buffer);
        size += (next.value as Buffer).length;
      }
    } finally {
      sim.httpServer.off('request', watchGet);
    }
    expect(size).toBe(total);
    expect(hash.digest('hex')).toBe(sha);
    expect(keys('tmp/')).toEqual([]);
  });

  it('answers AttachmentNotFoundError for a missing object and refuses references that are not sha256/<hex>', async () => {
    const missing = `sha256/${'ab'.repeat(32)}`;
    await expect(store.get(missing)).rejects.toBeInstanceOf(AttachmentNotFoundError);
    await expect(store.getStream(missing)).rejects.toBeInstanceOf(AttachmentNotFoundError);
    expect(await store.has(missing)).toBe(false);
    await expect(store.get('sha256/../../etc/passwd')).rejects.toThrow(/not a storage reference/);
  });

  it('refuses oversized content, in one piece or streamed, and leaves nothing behind', async () => {
    const small = new S3AttachmentStore(settingsOf(sim), 1 * MB);
    try {
      await expect(small.put(Buffer.alloc(MB + 1))).rejects.toBeInstanceOf(AttachmentTooLargeError);
      const source = lazySource(3 * MB, 256 * 1024);
      await expect(small.putStream(source.chunks())).rejects.toBeInstanceOf(AttachmentTooLargeError);
      // It stopped reading soon after the limit.
      expect(source.state.produced).toBeLessThan(3 * MB);
      expect(keys('tmp/')).toEqual([]);
    } finally {
      await small.close();
    }
  });

  it("rejects with the source's own error when the source fails mid-stream, and stores an empty one", async () => {
    const broken = new Error('the download broke off');
    const failing = (async function* () {
      yield Buffer.alloc(1024, 1);
      throw broken;
    })();
    await expect(store.putStream(failing)).rejects.toBe(broken);
    expect(keys('tmp/')).toEqual([]);
    const empty = await store.putStream((async function* () {})());
    expect(empty).toMatchObject({ size: 0, sha256: createHash('sha256').digest('hex') });
    expect(await store.get(empty.storageRef)).toEqual(Buffer.alloc(0));
  });

  it('maps refused credentials to AttachmentStoreRefusedError', async () => {
    const wrong = new S3AttachmentStore(settingsOf(sim, { secretAccessKey: 'not-the-secret-of-this-key-000000' }), MB);
    try {
      await expect(wrong.put(Buffer.from('x'))).rejects.toBeInstanceOf(AttachmentStoreRefusedError);
    } finally {
      await wrong.close();
    }
  });

  it('maps an unreachable server to RetryableError', async () => {
    const down = await startS3Sim({ port: 0 });
    const target = new S3AttachmentStore(settingsOf(down), MB);
    try {
      const stored = await target.put(Buffer.from('stored before the outage'));
      await down.stop();
      await expect(target.get(stored.storageRef)).rejects.toBeInstanceOf(RetryableError);
      await expect(target.has(stored.storageRef)).rejects.toBeInstanceOf(RetryableError);
      await expect(target.put(Buffer.from('written during the outage'))).rejects.toBeInstanceOf(RetryableError);
      await expect(
        target.putStream(
          (async function* () {
            yield Buffer.from('streamed during the outage');
          })(),
        ),
      ).rejects.toBeInstanceOf(RetryableError);
    } finally {
      await target.close();
      await down.stop();
    }
  });
});
