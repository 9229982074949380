import type { Config } from './config/config';
import { ConfigError, loadConfig } from './config/load';
import type { AppName } from './config/schema';
import { createLogger, type Logger } from './logging/logger';

export interface Bootstrapped {
  config: Config;
  logger: Logger;
}

/**
 * Start-up common to every app: validate the configuration (or print one line naming the bad variable and
 * return null with exit code 1), then create the logger.
 */
export function bootstrap(app: AppName, env: NodeJS.ProcessEnv = process.env): Bootstrapped | null {
  let config: Config;
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
    format: config.log.format,
    secrets: config.secrets,
  });
  return { config, logger };
}
