import { pino, type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs on stdout (the CLI contract: tests parse the `cloud ready` record). */
export function createLogger(level: string = process.env.ZENNE_LOG_LEVEL ?? 'info'): Logger {
  return pino({ level, base: { service: 'zenne-cloud' } });
}

/** A logger that drops everything, the default for library use and tests. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
