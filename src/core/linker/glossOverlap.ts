import type { Entity } from '../kb/entity';
import { STOP_WORDS, tokenize } from './tokens';
import type { Span } from './types';

/**
 * The `glossOverlap` ranker feature (simplified Lesk): how many content words of the mention's context occur in
 * the candidate's description and names (a WordNet sense's gloss, examples and lemmas; a Wikipedia entity's
 * description). A lexical view of the context next to the dense cosine, which blurs rare words.
 */

/** Characters of context on each side of the mention (about 40 words). */
const CONTEXT_CHARS = 250;

/** Folded word tokens of 3+ characters that are not stop words, a plural or third-person "s" stripped. */
export function contentWords(text: string): string[] {
  const out: string[] = [];
  for (const t of tokenize(text)) {
    if (!t.word || t.folded.length < 3 || STOP_WORDS.has(t.folded)) continue;
    out.push(stem(t.folded));
  }
  return out;
}

function stem(w: string): string {
  return w.length > 4 && w.endsWith('s') && !w.endsWith('ss') ? w.slice(0, -1) : w;
}

/** The content words around the mention (its own words excluded), within CONTEXT_CHARS on each side. */
export function contextWords(text: string, span: Span): Set<string> {
  const before = text.slice(Math.max(0, span.start - CONTEXT_CHARS), span.start);
  const after = text.slice(span.end, Math.min(text.length, span.end + CONTEXT_CHARS));
  // The cut words at either edge are dropped with the first/last token.
  const words = [...contentWords(before.replace(/^\S*\s/, '')), ...contentWords(after.replace(/\s\S*$/, ''))];
  const own = new Set(contentWords(text.slice(span.start, span.end)));
  return new Set(words.filter((w) => !own.has(w)));
}

const described = new WeakMap<Entity, ReadonlySet<string>>();

/** The content words of an entity's description, title and aliases (cached per entity object). */
export function descriptionWords(e: Entity): ReadonlySet<string> {
  let words = described.get(e);
  if (words === undefined) {
    words = new Set(contentWords([e.title, ...e.aliases, e.text].join(' \n ')));
    described.set(e, words);
  }
  return words;
}

/** log(1 + shared words) / log(11), at most 1: the first shared words count most. */
export function glossOverlap(context: ReadonlySet<string>, description: ReadonlySet<string>): number {
  let n = 0;
  const [small, large] = context.size <= description.size ? [context, description] : [description, context];
  for (const w of small) if (large.has(w)) n++;
  return Math.min(1, Math.log1p(n) / Math.log(11));
}
