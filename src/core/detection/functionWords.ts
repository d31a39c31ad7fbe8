import type { Token } from '../linker/tokens';
import { STOP_WORDS, isAcronym } from '../linker/tokens';
import type { WordFrequencies } from './wordFrequencies';

/**
 * English function words: determiners, pronouns, prepositions, conjunctions, auxiliaries and the adverbs that
 * open sentences. A superset of the gazetteer's STOP_WORDS. WordNet has no prepositions, conjunctions or
 * pronouns, so its counts cannot tell "In" (indium) or "May" (the month) at a sentence start from the word;
 * this closed class can, whatever the corpus.
 */
export const FUNCTION_WORDS: ReadonlySet<string> = new Set([
  ...STOP_WORDS,
  ...(
    'above across although among amongst anyhow anyway around beneath beside besides beyond despite down either ' +
    'else even ever every except hence however indeed instead least less many meanwhile moreover much near neither ' +
    'never nevertheless next none nonetheless now often onto otherwise per perhaps rather since still though thus ' +
    'till toward towards unless unlike until upon whereas whether within without yet whose whatever whenever ' +
    'wherever whichever whoever another anybody anyone anything everybody everyone everything nobody nothing ' +
    'somebody someone something several whom hers him himself herself itself myself ourselves themselves ' +
    'yourself its let can cannot could would should shall will might must ought has having does doing done ' +
    'three four five six seven eight nine ten first last yes'
  ).split(' '),
]);

/**
 * Lower-case articles, as written: a span opening with one ("the City") may be a name after it, while a capitalised
 * "The" may open a name itself ("The Hague").
 */
export const LOWER_CASE_ARTICLES: ReadonlySet<string> = new Set(['the', 'a', 'an']);

/**
 * True when a lone capitalised word is an ordinary word rather than a name: a closed-class function word, or
 * a word WordNet's tagged corpora use mostly as a verb, adjective or adverb ("Then", "Only", "Still"). An
 * all-capitals acronym ("US", "IT", "WHO") is never a function word.
 */
export function isFunctionWord(token: Pick<Token, 'surface' | 'folded'>, frequencies: WordFrequencies | undefined): boolean {
  if (isAcronym(token.surface)) return false;
  if (FUNCTION_WORDS.has(token.folded)) return true;
  if (frequencies === undefined) return false;
  const c = frequencies.of(token.folded);
  return c.other >= 5 && c.other > 3 * c.noun;
}

const SENTENCE_END = new Set(['.', '!', '?', ':', ';', '…']);
const OPENERS = new Set(['"', "'", '(', '[', '«', '‹', '-', '–', '—', '*', '#', '>']);

/**
 * True when word token `i` opens a sentence: the first word of the text range, or the first word after
 * sentence-final punctuation or a line break (headings, list items), skipping opening quotes and brackets.
 */
export function isSentenceStart(text: string, tokens: readonly Token[], i: number): boolean {
  let j = i - 1;
  // Opening quotes and brackets touch the word they open; a closing quote ('"Why?" he said') is followed by a space.
  while (j >= 0 && !tokens[j].word && OPENERS.has(tokens[j].surface) && tokens[j].end === tokens[j + 1].start) j--;
  if (j < 0) return true;
  if (text.slice(tokens[j].end, tokens[j + 1].start).includes('\n')) return true;
  return !tokens[j].word && SENTENCE_END.has(tokens[j].surface);
}
