import pino, { type Logger } from 'pino';

/** JSON logs to stderr (stdout stays free for command output such as `vigia sql`). */
export function createLogger(name: string, level: string): Logger {
  return pino({ name, level, base: { pid: process.pid } }, pino.destination(2));
}
export type { Logger };
