// Every reader thread loads its entry module and all it imports when it starts: that code must stay light. The
// shared package's main entry (BullMQ, ioredis, the AWS SDK, MSAL, winston) cost each thread about half a second of
// CPU to load, a dozen documents' worth; the threads take what they need from `@ms1/shared/plain`.
import { execFileSync } from 'node:child_process';
import { readerThreadFile } from '../src/extract/reader-thread-file';

/** The modules loaded by requiring the built thread entry, in a fresh node (the thread's code, outside a thread). */
function modulesLoadedBy(entry: string): string[] {
  const script = `require(${JSON.stringify(entry)}); process.stdout.write(JSON.stringify(Object.keys(require.cache)));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' })) as string[];
}

describe('reader thread entry', () => {
  it('loads no queue, Redis, cloud or logging library, nor the shared package main entry', () => {
    const loaded = modulesLoadedBy(readerThreadFile());
    expect(loaded.some((m) => m.endsWith('read-document.js'))).toBe(true);
    const heavy = loaded.filter((m) =>
      /node_modules\/(bullmq|ioredis|@aws-sdk|@azure|winston|joi|prom-client)\/|packages\/shared\/dist\/index\.js$/.test(
        m,
      ),
    );
    expect(heavy).toEqual([]);
  });
});
