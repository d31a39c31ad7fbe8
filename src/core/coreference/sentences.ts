/**
 * Sentence numbers of character offsets, for the resolver's sentence distance and subject position. A sentence
 * ends at a line break or at `.`, `!` or `?` (and closing quotes or brackets) followed by white space and an
 * upper-case letter, a digit or an opening quote, unless the period closes an initial ("Wilhelm R. Röntgen")
 * or a common title or abbreviation ("Dr.", "St.", "U.S.").
 */
const ABBREVIATIONS = new Set(['mr', 'mrs', 'ms', 'dr', 'prof', 'st', 'jr', 'sr', 'gen', 'col', 'lt', 'sgt', 'capt', 'gov', 'sen', 'rep', 'rev', 'hon', 'inc', 'co', 'corp', 'ltd', 'vs', 'no', 'mt', 'ft', 'u.s', 'u.k', 'e.g', 'i.e', 'etc', 'jan', 'feb', 'aug', 'sept', 'oct', 'nov', 'dec']);

const BOUNDARY = /([.!?])["'\u201d\u2019)\]]*\s+(?=["'\u201c\u2018(]?[\p{Lu}\p{N}])|\n+/gu;

export class SentenceIndex {
  /** Start offset of each sentence, ascending; the first is 0. */
  readonly starts: readonly number[];

  constructor(text: string) {
    const starts = [0];
    for (const m of text.matchAll(BOUNDARY)) {
      const at = m.index ?? 0;
      if (m[1] === '.' && isAbbreviation(text, at)) continue;
      starts.push(at + m[0].length);
    }
    this.starts = starts;
  }

  /** The number of the sentence holding `offset` (0-based). */
  sentenceOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}

/** True when the period at `dot` closes an initial or a known abbreviation rather than a sentence. */
function isAbbreviation(text: string, dot: number): boolean {
  const word = /[\p{L}.]+$/u.exec(text.slice(Math.max(0, dot - 12), dot))?.[0] ?? '';
  if (/^\p{Lu}$/u.test(word)) return true;
  return ABBREVIATIONS.has(word.toLowerCase());
}
