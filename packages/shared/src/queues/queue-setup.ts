import type { DefaultJobOptions } from 'bullmq';
import type { BaseConfig } from '../config/config';
import type { Logger } from '../logging/logger';
import { keyPrefix, type RedisConnection } from '../redis/connection';
import { defaultJobOptions } from './job-options';

/** What every queue, worker and flow producer of the project is built from. */
export interface QueueSetup {
  connection: RedisConnection;
  /** BullMQ key prefix, a Redis Cluster hash tag such as `{ms1}`. */
  prefix: string;
  jobOptions: DefaultJobOptions;
  logger: Logger;
  lockDurationMs: number;
  stalledIntervalMs: number;
}

export function queueSetup(config: BaseConfig, connection: RedisConnection, logger: Logger): QueueSetup {
  return {
    connection,
    prefix: keyPrefix(config.redis.queuePrefix),
    jobOptions: defaultJobOptions(config.jobs),
    logger,
    lockDurationMs: config.jobs.lockDurationMs,
    stalledIntervalMs: config.jobs.stalledIntervalMs,
  };
}
