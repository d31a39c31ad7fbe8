/**
 * Typed errors with a reason. Every error the user can cause (bad input, a corrupt file, a model that will not
 * load) is a LinkerError whose message says what went wrong, where (file and line when there is one) and what
 * to do next. Callers branch on `reason`, never on message text.
 */
export type LinkerErrorReason =
  | 'usage'
  | 'inputFormat'
  | 'inputMissing'
  | 'kbRecord'
  | 'indexCorrupt'
  | 'indexStale'
  | 'modelLoad'
  | 'modelMissing'
  | 'providerUnavailable'
  | 'storeUnavailable'
  | 'annotationCorrupt'
  | 'cancelled'
  | 'internal';

export interface LinkerErrorLocation {
  readonly file?: string;
  /** 1-based line number in `file`. */
  readonly line?: number;
}

export class LinkerError extends Error {
  readonly reason: LinkerErrorReason;
  readonly location: LinkerErrorLocation;
  /** What the user can do about it, shown after the message. */
  readonly hint: string | undefined;

  constructor(reason: LinkerErrorReason, message: string, options: { location?: LinkerErrorLocation; hint?: string; cause?: unknown } = {}) {
    super(formatMessage(message, options.location, options.hint), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'LinkerError';
    this.reason = reason;
    this.location = options.location ?? {};
    this.hint = options.hint;
  }

  static is(e: unknown, reason?: LinkerErrorReason): e is LinkerError {
    return e instanceof LinkerError && (reason === undefined || e.reason === reason);
  }
}

function formatMessage(message: string, location: LinkerErrorLocation | undefined, hint: string | undefined): string {
  let where = '';
  if (location?.file !== undefined) {
    where = location.line !== undefined ? `${location.file}:${location.line}: ` : `${location.file}: `;
  }
  return hint === undefined ? `${where}${message}` : `${where}${message} ${hint}`;
}

/** Throws a `cancelled` LinkerError when the signal has fired. Call between units of work. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    throw new LinkerError('cancelled', 'The operation was cancelled.');
  }
}
