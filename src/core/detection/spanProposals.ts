import type { Token } from '../linker/tokens';
import { isAcronym } from '../linker/tokens';
import { FUNCTION_WORDS } from './functionWords';

/**
 * Candidate spans for names the dictionary does not know: maximal runs of capitalised words, joined by the
 * lower-case particles of multi-word names ("University of Turin", "Leonardo da Vinci") and by hyphens and
 * initials' full stops ("Sport-Club", "Selman A. Waksman"), without leading function words ("In Turin" at a
 * sentence start proposes "Turin"). Only the mention scorer decides whether one becomes a mention.
 */
const PARTICLES = new Set(['of', 'de', 'del', 'della', 'di', 'da', 'du', 'des', 'la', 'le', 'von', 'van', 'der', 'den', 'y', 'al', 'bin']);
const JOINERS = new Set(['-', '.', "'", '&']);

/** Token index ranges [first, last] (inclusive) of the proposed spans, in text order, not overlapping. */
export function capitalisedRuns(text: string, tokens: readonly Token[], maxTokens = 8): [number, number][] {
  const out: [number, number][] = [];
  const isCap = (t: Token): boolean => t.word && (/^\p{Lu}/u.test(t.surface) || isAcronym(t.surface));
  const sameLine = (a: Token, b: Token): boolean => !text.slice(a.end, b.start).includes('\n');
  let i = 0;
  while (i < tokens.length) {
    if (!isCap(tokens[i]) || FUNCTION_WORDS.has(tokens[i].folded)) {
      i++;
      continue;
    }
    let last = i;
    let j = i + 1;
    while (j < tokens.length && j - i < maxTokens * 2 && sameLine(tokens[j - 1], tokens[j])) {
      const t = tokens[j];
      if (isCap(t)) {
        last = j;
        j++;
        continue;
      }
      // A full stop joins only after an initial ("Selman A. Waksman", "U.S."), not at a sentence end ("Ohio. The").
      const initial = tokens[j - 1].word && tokens[j - 1].surface.length === 1;
      const joins = (t.word && PARTICLES.has(t.folded)) || (!t.word && JOINERS.has(t.surface) && t.start === tokens[j - 1].end && (t.surface !== '.' || initial));
      if (!joins) break;
      j++;
    }
    const words = tokens.slice(i, last + 1).filter((t) => t.word).length;
    if (words <= maxTokens) out.push([i, last]);
    i = last + 1;
  }
  return out;
}
