import type { AppName } from './config/apps';
import type { AppConfig } from './config/config';
import { ConfigError, loadConfig } from './config/load';
import { createLogger, type Logger } from './logging/logger';

export interface Bootstrapped<A extends AppName> {
  config: AppConfig<A>;
  logger: Logger;
}

/**
 * Start-up common to every app: validate the app's part of the configuration (or print one line naming the bad
 * variable and return null with exit code 1), then create the logger (JSON in production unless LOG_FORMAT says).
 */
export function bootstrap<A extends AppName>(
  app: A,
  env: NodeJS.ProcessEnv = process.env,
  opts: { logStream?: NodeJS.WritableStream } = {},
): Bootstrapped<A> | null {
  let config: AppConfig<A>;
  try {
    config = loadConfig(app, env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    process.stderr.write(`${err.message}\n`);
    process.exitCode = 1;
    return null;
  }
  const logger = createLogger({
    service: app,
    level: config.log.level,
    format: config.log.format ?? (config.nodeEnv === 'production' ? 'json' : 'pretty'),
    secrets: config.secrets,
    stream: opts.logStream,
  });
  return { config, logger };
}
