/**
 * `promise`'s value if it settles within `ms`, else undefined (the promise keeps running; a rejection after the
 * deadline is left to the caller's own handler). The timer is cleared as soon as the promise settles, so a fast
 * answer leaves nothing pending. For a UI that must not wait on a busy thread: show what it has, fill in later.
 */
export function settledWithin<T>(promise: Promise<T>, ms: number): Promise<T | undefined> {
  return new Promise<T | undefined>((resolve, reject) => {
    const timer = setTimeout(() => resolve(undefined), Math.max(0, ms));
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error instanceof Error ? error : new Error(String(error)));
      },
    );
  });
}
