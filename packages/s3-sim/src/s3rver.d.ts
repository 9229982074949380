// The part of @20minutes/s3rver (plain JavaScript, no published types) that the simulator uses.
declare module '@20minutes/s3rver' {
  import type { Server } from 'node:http';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    resetOnClose?: boolean;
    allowMismatchedSignatures?: boolean;
    vhostBuckets?: boolean;
    configureBuckets?: { name: string; configs?: (string | Buffer)[] }[];
  }

  class S3rver {
    constructor(options?: S3rverOptions);
    /** Creates the configured buckets, listens, and resolves with the bound address. */
    run(): Promise<{ address: string; port: number; family: string }>;
    close(): Promise<void>;
    httpServer: Server | undefined;
  }
  export = S3rver;
}

declare module '@20minutes/s3rver/lib/models/account' {
  class AWSAccount {
    createKeyPair(accessKeyId: string, secretAccessKey: string): void;
    revokeAccessKey(accessKeyId: string): void;
    static DUMMY_ACCOUNT: AWSAccount;
  }
  export = AWSAccount;
}
