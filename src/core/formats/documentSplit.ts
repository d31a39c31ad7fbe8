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

/** The seed of an export's dev split when none is given (the CLI's `export --seed`, the editor's Export). */
export const DEFAULT_SPLIT_SEED = 1;

/** Largest seed: seeds are 32-bit (SeededRandom keeps 32 bits, so larger ones would repeat smaller ones' draws). */
export const MAX_SEED = 2 ** 32 - 1;

/** Why `x` cannot be a dev share, or undefined when it can (0: no dev split). */
export function devFractionProblem(x: number): string | undefined {
  return Number.isFinite(x) && x >= 0 && x < 1 ? undefined : 'the dev share is a number from 0 (no dev split) up to, not including, 1, e.g. 0.2';
}

/** Why `x` cannot be a seed (of a split, a shuffle, sampling), or undefined when it can. */
export function seedProblem(x: number): string | undefined {
  return Number.isInteger(x) && x >= 0 && x <= MAX_SEED ? undefined : `a seed is a whole number from 0 to ${MAX_SEED}, e.g. ${DEFAULT_SPLIT_SEED}`;
}

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
