import { freePort, startRedisServer, type PrivateRedis } from '@ms1/test-utils';

/**
 * A private redis-server that can be killed and started again on the same port and directory, so the apps find it
 * where it was. With `appendFsyncAlways`: append-only file, fsynced on every write (`appendfsync always`), so a kill -9
 * loses nothing that Redis acknowledged.
 */
export class RestartableRedis {
  private server: PrivateRedis | null = null;

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly appendFsyncAlways: boolean,
  ) {}

  static async start(dir: string, opts: { appendFsyncAlways: boolean }): Promise<RestartableRedis> {
    const r = new RestartableRedis(await freePort(), dir, opts.appendFsyncAlways);
    await r.start();
    return r;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    if (this.server) throw new Error('redis-server is already running');
    this.server = await startRedisServer({
      port: this.port,
      dir: this.dir,
      appendOnly: this.appendFsyncAlways,
      extraArgs: this.appendFsyncAlways ? ['--appendfsync', 'always'] : [],
    });
  }

  async kill9(): Promise<void> {
    const s = this.server;
    this.server = null;
    await s?.kill9();
  }

  async stop(): Promise<void> {
    const s = this.server;
    this.server = null;
    await s?.stop();
  }
}
