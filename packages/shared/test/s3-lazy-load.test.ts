// Every app loads the shared package's main entry; the AWS SDK in it cost each app about 30 MB of resident memory
// and 90 ms of start-up, for a driver only ATTACHMENT_STORE=s3 uses. It is loaded when that store is made.
import { execFileSync } from 'node:child_process';
import path from 'node:path';

const ENTRY = path.join(__dirname, '..', 'dist', 'index.js');

/** Whether the AWS SDK is among the modules loaded, in a fresh node, after `then` ran on the built main entry. */
function loadsAwsSdk(then: string): boolean {
  const script = `const shared = require(${JSON.stringify(ENTRY)}); ${then};
    process.stdout.write(JSON.stringify(Object.keys(require.cache).some((m) => m.includes('/@aws-sdk/'))));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 60_000 })) as boolean;
}

const storage = (driver: string) =>
  `{ driver: '${driver}', attachmentDir: '/tmp', maxAttachmentBytes: 1024, s3: { bucket: 'b', region: 'us-east-1', endpoint: 'http://127.0.0.1:1', forcePathStyle: true, accessKeyId: 'k', secretAccessKey: 's' } }`;

describe('the S3 driver is loaded on demand', () => {
  it('is not loaded by the main entry, nor for a local directory store', () => {
    expect(loadsAwsSdk('')).toBe(false);
    expect(loadsAwsSdk(`shared.createAttachmentStore(${storage('local')})`)).toBe(false);
  });

  it('is loaded when an S3 store is made', () => {
    expect(loadsAwsSdk(`shared.createAttachmentStore(${storage('s3')}).close()`)).toBe(true);
  });
});
