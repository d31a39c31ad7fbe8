/**
 * How far a paragraph edit reaches into the pronoun resolutions after it, for relinking with pronoun detection
 * on (Linker.relinkChanged). A pronoun counts the mentions up to `window` sentences back, and a resolved pronoun
 * carries the chain to the next, so editing a paragraph can change (or make or undo) the resolution of a pronoun
 * in a following paragraph: those paragraphs are relinked too, so the result stays that of linking the whole text.
 * Pronouns before the edit never change: they count only earlier mentions and later ones of their own sentence,
 * and a sentence ends at a line break.
 */
import type { ChangedRegion } from '../linker/paragraphs';
import { paragraphRanges } from '../linker/paragraphs';
import { pronounSpans } from './pronouns';
import type { CoreferenceOptions } from './resolver';
import { SentenceIndex } from './sentences';

/**
 * `region` widened over the following paragraphs that hold a proposable pronoun (`detectClasses`) within `window`
 * sentences of the relinked part, each one widening it further; unchanged without `detect`.
 */
export function withCoreferenceReach(newText: string, region: ChangedRegion, options: Pick<CoreferenceOptions, 'detect' | 'detectClasses' | 'window'>): ChangedRegion {
  if (!options.detect) return region;
  const sentences = new SentenceIndex(newText);
  let end = region.toNew;
  for (const [a, b] of paragraphRanges(newText)) {
    if (a < end) continue;
    const last = sentences.sentenceOf(Math.max(0, end - 1));
    if (sentences.sentenceOf(a) - last > options.window) break;
    const first = pronounSpans(newText, options.detectClasses, a, b)[0];
    if (first !== undefined && sentences.sentenceOf(first.start) - last <= options.window) end = b;
  }
  return end === region.toNew ? region : { from: region.from, toNew: end, toOld: region.toOld + (end - region.toNew) };
}
