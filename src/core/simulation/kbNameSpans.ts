import type { Gazetteer } from '../linker/gazetteer';
import type { Span } from '../linker/types';

/**
 * The spans of a text the KB has a name for, whatever their case: the detection dictionary's longest matches in
 * 'all-words' mode ("professor" for the KB's Professor, "royal engineers" for Royal Engineers), which detection in
 * 'names' mode leaves to capitalised text. Next / Previous Possible Name stop at a lower-case word only where one of
 * these overlaps it (possibleMentions' `names`). It reads the linker's own dictionary (Gazetteer.inMode: the trie is
 * shared, nothing is built), so the first press does not wait for a second dictionary of the KB.
 */
export function kbNameSpans(dictionary: Gazetteer): (text: string) => Span[] {
  const anyCase = dictionary.inMode('all-words');
  return (text) => anyCase.detect(text).map((m) => ({ start: m.start, end: m.end }));
}
