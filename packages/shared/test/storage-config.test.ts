import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, createAttachmentStore, LocalDirectoryStore, loadConfig, redact } from '../src';
import { S3AttachmentStore } from '../src/storage/s3-store';

const s3Env = {
  ATTACHMENT_STORE: 's3',
  S3_ENDPOINT: 'http://minio.storage.svc:9000/',
  S3_REGION: 'eu-west-1',
  S3_BUCKET: 'ms1-attachments',
  S3_ACCESS_KEY_ID: 'AKIAEXAMPLEKEY',
  S3_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  S3_FORCE_PATH_STYLE: 'true',
};

/** The store is configured in the apps that hold attachments (ingest-api's sync, processor-worker). */
const graphApp = { TENANT_ID: 't', CLIENT_ID: 'c', CLIENT_SECRET: 's' };
const load = (env: Record<string, string>) => loadConfig('processor-worker', { ...graphApp, ...env });

describe('attachment store configuration', () => {
  it('keeps the local directory as the default', () => {
    const c = load({});
    expect(c.storage).toMatchObject({ driver: 'local', attachmentDir: './data/attachments' });
    expect(createAttachmentStore(c.storage)).toBeInstanceOf(LocalDirectoryStore);
  });

  it('reads the S3 settings, keeps the secret out of logs and builds the S3 driver', async () => {
    const c = load(s3Env);
    expect(c.storage.driver).toBe('s3');
    expect(c.storage.s3).toEqual({
      endpoint: 'http://minio.storage.svc:9000',
      region: 'eu-west-1',
      bucket: 'ms1-attachments',
      accessKeyId: 'AKIAEXAMPLEKEY',
      secretAccessKey: s3Env.S3_SECRET_ACCESS_KEY,
      forcePathStyle: true,
    });
    expect(c.secrets).toContain(s3Env.S3_SECRET_ACCESS_KEY);
    expect(JSON.stringify(redact({ msg: `signed with ${s3Env.S3_SECRET_ACCESS_KEY}` }, c.secrets))).not.toContain(
      s3Env.S3_SECRET_ACCESS_KEY,
    );
    const store = createAttachmentStore(c.storage);
    expect(store).toBeInstanceOf(S3AttachmentStore);
    await (store as S3AttachmentStore).close();
  });

  it('lets the AWS default credential chain apply when no key pair is given', () => {
    const { S3_ACCESS_KEY_ID: _k, S3_SECRET_ACCESS_KEY: _s, S3_ENDPOINT: _e, ...env } = s3Env;
    expect(load(env).storage.s3).toMatchObject({
      endpoint: null,
      accessKeyId: null,
      secretAccessKey: null,
    });
  });

  it('refuses an incomplete S3 setting with one line naming the variable', () => {
    const { S3_BUCKET: _b, ...noBucket } = s3Env;
    expect(() => load(noBucket)).toThrow(/^Invalid configuration for processor-worker: S3_BUCKET is required$/);
    const { S3_SECRET_ACCESS_KEY: _s, ...noSecret } = s3Env;
    expect(() => load(noSecret)).toThrow(ConfigError);
    expect(() => load(noSecret)).toThrow(/S3_SECRET_ACCESS_KEY is required/);
    const { S3_ACCESS_KEY_ID: _k, ...noKeyId } = s3Env;
    expect(() => load(noKeyId)).toThrow(/S3_ACCESS_KEY_ID is required/);
    expect(() => load({ ...s3Env, ATTACHMENT_STORE: 'nfs' })).toThrow(/ATTACHMENT_STORE must be one of/);
    expect(() => load({ ...s3Env, S3_BUCKET: 'Invoices_2026' })).toThrow(/S3_BUCKET must be a valid S3 bucket name/);
  });

  it('ignores the S3 variables while the store is local', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ms1-store-cfg-'));
    try {
      const { S3_BUCKET: _b, ...env } = s3Env;
      const c = load({ ...env, ATTACHMENT_STORE: 'local', ATTACHMENT_DIR: dir });
      expect(c.storage.driver).toBe('local');
      expect(createAttachmentStore(c.storage)).toBeInstanceOf(LocalDirectoryStore);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
