import type { Entity } from '../kb/entity';
import type { Token } from '../linker/tokens';
import type { WordFrequencies } from './wordFrequencies';

/**
 * Role words: annotation guidelines such as OKE's annotate a person's role or occupation ("professor",
 * "lawyer", "Professor Rutherford"'s title) and link it to the KB's entity for the role where the KB has one.
 * Corpus-independent: a role is a WordNet noun used mostly in noun.person (lexicographer file 18) with at least
 * ROLE_WORD_COUNT tagged uses; the KB says which roles it holds as entities by its own titles.
 */
const ROLE_WORD_COUNT = 3;

/** The case-folded word is a role: WordNet's tagged noun uses are mostly in noun.person. */
export function isRoleWord(folded: string, frequencies: WordFrequencies): boolean {
  const c = frequencies.of(folded);
  return c.noun >= ROLE_WORD_COUNT && 2 * frequencies.personOf(folded) >= c.noun;
}

/**
 * True when the span's last word is a role word and one of the matched KB rows has that word as its title
 * (case aside): "professor" matched to the KB's entity "Professor", "associate professor" (a WordNet compound)
 * too. Not for all-capital spans (acronyms).
 */
export function isRoleTitle(tokens: readonly Token[], first: number, last: number, rows: readonly number[], entities: readonly Entity[] | undefined, frequencies: WordFrequencies): boolean {
  const head = tokens[last];
  if (entities === undefined || !head.word || head.surface.length > 1 && head.surface === head.surface.toUpperCase()) return false;
  if (tokens.slice(first, last + 1).some((t) => !t.word)) return false;
  return isRoleWord(head.folded, frequencies) && rows.some((r) => entities[r]?.title.toLowerCase() === head.folded);
}

/**
 * Where a WordNet compound that ends with the role word at `head` begins ("associate professor", "full
 * professor", "vice president": one or two words before it, written as the role word is — all lower case, or
 * all capitalised); `head` itself when there is none. The longest compound wins.
 */
export function roleCompoundStart(tokens: readonly Token[], head: number, frequencies: WordFrequencies): number {
  const capitalised = (t: Token): boolean => /^\p{Lu}/u.test(t.surface);
  for (let k = Math.max(0, head - 2); k < head; k++) {
    const words = tokens.slice(k, head + 1);
    if (!words.every((t) => t.word && capitalised(t) === capitalised(tokens[head]))) continue;
    if (frequencies.has(words.map((t) => t.folded).join(' '))) return k;
  }
  return head;
}
