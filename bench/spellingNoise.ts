/**
 * Seeded spelling noise of the kind early-modern printed text and its OCR show, for measuring retrieval on
 * variant spellings when no historical corpus is at hand ("Cittye of Waterfford", "Countie of Wickloe").
 *
 * Each word of at least `minLength` letters (not an all-capitals acronym) is altered with probability
 * `wordRate`, by one edit and with probability `secondEditRate` by a second one. An edit is the first rule, in
 * a random order, that applies to the word:
 *   i -> y, y -> i, final y -> ie, ie -> ye, u -> v, v -> u (archaic vowel spellings);
 *   a consonant doubled (not the first letter), -e added after a final consonant (archaic);
 *   a letter dropped (not the first), rn -> m, m -> rn, e -> c, h -> b (OCR).
 * The first letter is never changed (first letters survive both spelling change and OCR best), and the
 * word keeps its capitalisation. The whole document is altered, mentions and their contexts alike; the gold
 * spans move with the edits. Every document draws from its own generator, seeded by the seed and the
 * document id, so a document's noise does not depend on which other documents are in the run.
 */
import type { GoldDocument, GoldMention } from '../src/core/formats/goldDocument';

export interface NoiseOptions {
  readonly seed: number;
  readonly wordRate: number;
  readonly secondEditRate: number;
  readonly minLength: number;
}

export const DEFAULT_NOISE: NoiseOptions = { seed: 1, wordRate: 0.5, secondEditRate: 0.3, minLength: 3 };

type Random = () => number;
/** Returns the edited lower-case word (as code points), or undefined when the rule does not apply. */
type Rule = (w: string[], rnd: Random) => string[] | undefined;

const CONSONANT = /^[bcdfgklmnprstvz]$/;

const RULES: readonly Rule[] = [
  (w, rnd) => replaceOne(w, ['i'], ['y'], rnd),
  (w, rnd) => replaceOne(w, ['y'], ['i'], rnd),
  (w) => (w.length > 2 && w[w.length - 1] === 'y' && CONSONANT.test(w[w.length - 2]) ? [...w.slice(0, -1), 'i', 'e'] : undefined),
  (w, rnd) => replaceOne(w, ['i', 'e'], ['y', 'e'], rnd),
  (w, rnd) => replaceOne(w, ['u'], ['v'], rnd),
  (w, rnd) => replaceOne(w, ['v'], ['u'], rnd),
  (w, rnd) => {
    const at = positions(w, (i) => i > 0 && CONSONANT.test(w[i]) && w[i + 1] !== w[i] && w[i - 1] !== w[i]);
    if (at.length === 0) return undefined;
    const i = at[Math.floor(rnd() * at.length)];
    return [...w.slice(0, i + 1), w[i], ...w.slice(i + 1)];
  },
  (w) => (CONSONANT.test(w[w.length - 1]) ? [...w, 'e'] : undefined),
  (w, rnd) => {
    if (w.length < 4) return undefined;
    const i = 1 + Math.floor(rnd() * (w.length - 1));
    return [...w.slice(0, i), ...w.slice(i + 1)];
  },
  (w, rnd) => replaceOne(w, ['r', 'n'], ['m'], rnd),
  (w, rnd) => replaceOne(w, ['m'], ['r', 'n'], rnd),
  (w, rnd) => replaceOne(w, ['e'], ['c'], rnd),
  (w, rnd) => replaceOne(w, ['h'], ['b'], rnd),
];

/** Replaces one occurrence (chosen at random, never at position 0) of `from` by `to`. */
function replaceOne(w: string[], from: readonly string[], to: readonly string[], rnd: Random): string[] | undefined {
  const at = positions(w, (i) => i > 0 && from.every((c, k) => w[i + k] === c));
  if (at.length === 0) return undefined;
  const i = at[Math.floor(rnd() * at.length)];
  return [...w.slice(0, i), ...to, ...w.slice(i + from.length)];
}

function positions(w: readonly string[], ok: (i: number) => boolean): number[] {
  const out: number[] = [];
  for (let i = 0; i < w.length; i++) if (ok(i)) out.push(i);
  return out;
}

/** mulberry32: a small, fast, seedable generator (uniform in [0, 1)). */
export function seededRandom(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function hashString(s: string, seed: number): number {
  let h = seed ^ 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** One word with noise, or the word itself. */
export function noisyWord(word: string, rnd: Random, options: NoiseOptions = DEFAULT_NOISE): string {
  const chars = [...word];
  const isAcronym = chars.length > 1 && word === word.toUpperCase() && word !== word.toLowerCase();
  if (chars.length < options.minLength || isAcronym || rnd() >= options.wordRate) return word;
  let w = [...word.toLowerCase()];
  const edits = rnd() < options.secondEditRate ? 2 : 1;
  for (let e = 0; e < edits; e++) {
    const order = RULES.map((rule) => ({ rule, key: rnd() })).sort((a, b) => a.key - b.key);
    for (const { rule } of order) {
      const next = rule(w, rnd);
      if (next !== undefined) {
        w = next;
        break;
      }
    }
  }
  // Keep the capitalisation pattern: each position upper-cased where the original was (up to its length).
  return w.map((c, i) => (i < chars.length && chars[i] !== chars[i].toLowerCase() ? c.toUpperCase() : c)).join('');
}

/** The document with noise in every word, and its gold mentions moved to the new offsets. */
export function noisyDocument(doc: GoldDocument, options: NoiseOptions = DEFAULT_NOISE): GoldDocument {
  const rnd = seededRandom(hashString(doc.id, options.seed));
  const text = doc.text;
  // map[i]: offset in the new text of original offset i (inside an altered word: clamped to the new word).
  const map = new Int32Array(text.length + 1);
  let out = '';
  let last = 0;
  const copy = (to: number): void => {
    for (let i = last; i < to; i++) map[i] = out.length + (i - last);
    out += text.slice(last, to);
    last = to;
  };
  for (const m of text.matchAll(/\p{L}+/gu)) {
    const start = m.index ?? 0;
    copy(start);
    const changed = noisyWord(m[0], rnd, options);
    for (let i = 0; i < m[0].length; i++) map[start + i] = out.length + Math.min(i, changed.length);
    out += changed;
    last = start + m[0].length;
  }
  copy(text.length);
  map[text.length] = out.length;
  const mentions: GoldMention[] = doc.mentions.map((g) => {
    const start = map[g.start];
    const end = g.end === text.length ? out.length : map[g.end];
    return { ...g, start, end, text: out.slice(start, end) };
  });
  return { ...doc, text: out, mentions };
}
