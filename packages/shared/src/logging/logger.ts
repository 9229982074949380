import winston from 'winston';
import { redact } from './redact';

/** Context fields carried by child loggers, so every line says which session, mailbox, message and job it is about. */
export interface LogContext {
  sessionId?: string;
  mailboxId?: string;
  messageId?: string;
  jobId?: string;
  queue?: string;
  [key: string]: unknown;
}

export type Logger = winston.Logger;

export interface LoggerOptions {
  service: string;
  level: string;
  format: 'json' | 'pretty';
  secrets: readonly string[];
  /** Where lines go; defaults to stdout. Tests pass a stream to read what was written. */
  stream?: NodeJS.WritableStream;
}

const SPLAT = Symbol.for('splat');

export function createLogger(opts: LoggerOptions): Logger {
  const redactor = winston.format((info) => {
    const clean = redact({ ...info }, opts.secrets) as Record<string | symbol, unknown>;
    for (const key of Object.keys(info)) delete (info as Record<string, unknown>)[key];
    Object.assign(info, clean);
    delete (info as Record<string | symbol, unknown>)[SPLAT];
    return info;
  });
  const format =
    opts.format === 'json'
      ? winston.format.combine(
          winston.format.errors({ stack: true }),
          redactor(),
          winston.format.timestamp(),
          winston.format.json(),
        )
      : winston.format.combine(
          winston.format.errors({ stack: true }),
          redactor(),
          winston.format.timestamp({ format: 'HH:mm:ss.SSS' }),
          winston.format.printf(({ timestamp, level, message, service, ...rest }) => {
            const fields = Object.keys(rest).length ? ` ${JSON.stringify(rest)}` : '';
            return `${String(timestamp)} ${level.toUpperCase().padEnd(5)} [${String(service)}] ${String(message)}${fields}`;
          }),
        );
  const transport = opts.stream
    ? new winston.transports.Stream({ stream: opts.stream })
    : new winston.transports.Console();
  return winston.createLogger({
    level: opts.level,
    defaultMeta: { service: opts.service },
    format,
    transports: [transport],
  });
}

/** A child logger that carries the given context on every line. */
export function withContext(logger: Logger, fields: LogContext): Logger {
  const clean = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined && v !== null));
  return logger.child(clean);
}
