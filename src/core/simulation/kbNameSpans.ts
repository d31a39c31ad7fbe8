import type { Entity } from '../kb/entity';
import { Gazetteer, type DetectionOptions } from '../linker/gazetteer';
import type { Span } from '../linker/types';

/**
 * The spans of a text the KB has a name for, whatever their case: the detection dictionary's longest matches in
 * 'all-words' mode ("professor" for the KB's Professor, "royal engineers" for Royal Engineers), which detection in
 * 'names' mode leaves to capitalised text. Next / Previous Possible Mention stop at a lower-case word only where
 * one of these overlaps it (possibleMentions' `names`). The dictionary is built on the first call (a second trie
 * over the entities' names: about 0.3 s for wiki11k).
 */
export function kbNameSpans(entities: readonly Entity[], detection: DetectionOptions): (text: string) => Span[] {
  let dictionary: Gazetteer | undefined;
  return (text) => {
    dictionary ??= new Gazetteer(entities, { ...detection, mode: 'all-words', fuzzy: false });
    return dictionary.detect(text).map((m) => ({ start: m.start, end: m.end }));
  };
}
