import type { Logger } from '../../../src/core/log';
export { LinkerError } from '../../../src/core/errors';

/** A logger that drops everything (the worker logs every load step). */
export function silentLoggerFor(): Logger {
  return { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
}
