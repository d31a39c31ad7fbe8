import { createHash } from 'node:crypto';

/**
 * Train/dev splits by document, never by mention: mentions of one document share context and often entities,
 * so splitting them would leak the dev answers into training. The split is a function of the seed and the
 * document ids only (a hash per id), so it does not depend on input order and adding documents moves no others.
 */
export interface DocumentSplit<T> {
  readonly train: T[];
  readonly dev: T[];
}

/** A uniform number in [0, 1) from the seed and the id. */
function unitHash(seed: number, id: string): number {
  const digest = createHash('sha256').update(`${seed}\u0000${id}`, 'utf8').digest();
  return digest.readUInt32BE(0) / 4294967296;
}

/** The share of documents a dev split holds when none is given (export and fine-tuning). */
export const DEFAULT_DEV_FRACTION = 0.2;

/**
 * Puts about `devFraction` of the distinct document keys into dev. Items sharing a key (windows of one document,
 * say) land on the same side. With two or more keys, each side gets at least one.
 */
export function splitByDocument<T>(items: readonly T[], devFraction: number, seed: number, keyOf: (item: T) => string): DocumentSplit<T> {
  const keys = [...new Set(items.map(keyOf))];
  const ranked = keys.map((k) => ({ k, h: unitHash(seed, k) })).sort((a, b) => a.h - b.h || (a.k < b.k ? -1 : 1));
  let devCount = Math.round(devFraction * keys.length);
  if (keys.length >= 2) devCount = Math.min(keys.length - 1, Math.max(1, devCount));
  const devKeys = new Set(ranked.slice(0, devCount).map((r) => r.k));
  const train: T[] = [];
  const dev: T[] = [];
  for (const item of items) (devKeys.has(keyOf(item)) ? dev : train).push(item);
  return { train, dev };
}
