import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

/** The agent's structured logger: pino JSON on stdout, level from ZENNE_LOG_LEVEL (default info). */
export function createLogger(options: { level?: string; name?: string } = {}): Logger {
  return pino({ name: options.name ?? 'zenne-agent', level: options.level ?? process.env.ZENNE_LOG_LEVEL ?? 'info' });
}

/** A logger that drops everything (library use and tests). */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
