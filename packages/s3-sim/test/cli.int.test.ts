// The command line: built with tsc, it prints its JSON line first (bucket created), serves, and exits 0 on SIGTERM.
import { execFileSync, spawn } from 'node:child_process';
import { once } from 'node:events';
import path from 'node:path';
import { createInterface } from 'node:readline';
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { freePort } from '@ms1/test-utils';

const root = path.resolve(__dirname, '../../..');

describe('s3-sim CLI', () => {
  beforeAll(() => {
    execFileSync('pnpm', ['exec', 'tsc', '--build', 'packages/s3-sim'], { cwd: root, stdio: 'pipe' });
  }, 60_000);

  it('prints {"endpoint","region","bucket","accessKeyId","secretAccessKey"} first, with the bucket created', async () => {
    const port = await freePort();
    const child = spawn(process.execPath, ['packages/s3-sim/dist/cli.js', '--', '--port', String(port)], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let client: S3Client | undefined;
    try {
      const lines = createInterface({ input: child.stdout });
      const [first] = (await once(lines, 'line')) as [string];
      const printed = JSON.parse(first) as Record<string, string>;
      expect(Object.keys(printed)).toEqual(['endpoint', 'region', 'bucket', 'accessKeyId', 'secretAccessKey']);
      expect(printed.endpoint).toBe(`http://127.0.0.1:${port}`);
      client = new S3Client({
        endpoint: printed.endpoint,
        region: printed.region,
        forcePathStyle: true,
        credentials: { accessKeyId: printed.accessKeyId, secretAccessKey: printed.secretAccessKey },
      });
      // The bucket exists (a PUT into a missing bucket answers NoSuchBucket) and the printed key pair signs.
      await client.send(new PutObjectCommand({ Bucket: printed.bucket, Key: 'sha256/x', Body: 'hello' }));
      const got = await client.send(new GetObjectCommand({ Bucket: printed.bucket, Key: 'sha256/x' }));
      expect(await got.Body?.transformToString()).toBe('hello');
      const more: string[] = [];
      lines.on('line', (l) => more.push(l));
      child.kill('SIGTERM');
      const [code] = (await once(child, 'exit')) as [number | null];
      expect(code).toBe(0);
      expect(more).toEqual([]);
    } finally {
      client?.destroy();
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    }
  });

  it('exits 2 with usage on stderr for an unknown flag', async () => {
    const child = spawn(process.execPath, ['packages/s3-sim/dist/cli.js', '--nope'], {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
    });
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(2);
    expect(err).toMatch(/unknown option/);
    expect(err).toMatch(/Usage: pnpm sim:s3/);
  });
});
