/**
 * Structured one-line logs. Secrets never reach a log line whole: {@link redact} keeps the last 4 characters.
 * @module
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Receives one event per call; `fields` holds plain JSON values only. */
export type Logger = (level: LogLevel, event: string, fields?: Record<string, unknown>) => void;

/** One JSON object per line on stdout: `{"time","level","event",...fields}`. */
export function jsonLineLogger(write: (line: string) => void = (line) => process.stdout.write(line)): Logger {
  return (level, event, fields) => {
    write(`${JSON.stringify({ time: new Date().toISOString(), level, event, ...fields })}\n`);
  };
}

/** A logger that drops everything (tests). */
export const silentLogger: Logger = () => {};

/** `"…abcd"`: enough to tell two secrets apart in a log, not enough to use one. */
export function redact(secret: string): string {
  return secret.length <= 4 ? '…' : `…${secret.slice(-4)}`;
}
