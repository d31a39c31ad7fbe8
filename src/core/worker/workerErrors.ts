import { LinkerError } from '../errors';
import type { SerializedError } from './linkerProtocol';

/** LinkerErrors keep their reason, location and hint across the thread boundary; others become 'internal'. */
export function serializeError(e: unknown): SerializedError {
  if (LinkerError.is(e)) {
    return { reason: e.reason, message: e.message, ...(e.hint === undefined ? {} : { hint: e.hint }), location: e.location, ...(e.stack === undefined ? {} : { stack: e.stack }) };
  }
  const error = e instanceof Error ? e : new Error(String(e));
  return { reason: 'internal', message: error.message, ...(error.stack === undefined ? {} : { stack: error.stack }) };
}

/**
 * The LinkerError the worker threw, rebuilt on this side. The serialised message already holds the location
 * and hint (LinkerError formats them in), so they are set as fields rather than passed to the constructor.
 */
export function deserializeError(e: SerializedError): LinkerError {
  const error = new LinkerError(e.reason, e.message);
  Object.assign(error, { location: e.location ?? {}, hint: e.hint });
  if (e.stack !== undefined) error.stack = `${e.stack}\n    (in the linker worker)`;
  return error;
}
