/**
 * Word tokens with offsets, and the normalisation that name matching and lexical scoring share.
 *
 * A token is a maximal run of letters, combining marks and digits, or one other non-space character
 * (punctuation). Names and documents go through the same tokenizer, so "AT&T", "U.S." and "Jean-Paul"
 * match themselves whatever whitespace surrounds the punctuation.
 */
export interface Token {
  /** UTF-16 offsets into the original text, `end` exclusive. */
  readonly start: number;
  readonly end: number;
  /** The token as written, NFKC-normalised (used for case-sensitive comparison). */
  readonly surface: string;
  /** Case-folded form of `surface` (used for case-insensitive comparison and as the trie key). */
  readonly folded: string;
  /** True for a token of letters/digits, false for a punctuation token. */
  readonly word: boolean;
}

const TOKEN_RE = /[\p{L}\p{M}\p{N}]+|[^\s\p{L}\p{M}\p{N}]/gu;
const WORD_RE = /^[\p{L}\p{M}\p{N}]/u;

/** NFKC plus a few typographic variants that NFKC keeps apart but a reader does not (curly quotes). */
export function normalizeSurface(s: string): string {
  return s.normalize('NFKC').replace(/[\u2018\u2019\u02bc]/g, "'").replace(/[\u201c\u201d]/g, '"');
}

/**
 * Case folding. JavaScript has no full Unicode case fold; lower-casing after NFKC covers the scripts the
 * KBs hold, and the German sharp s is folded by hand so "Straße" and "STRASSE" meet.
 */
export function foldCase(s: string): string {
  return s.toLowerCase().replace(/ß/g, 'ss');
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  for (const m of text.matchAll(TOKEN_RE)) {
    const raw = m[0];
    const start = m.index ?? 0;
    const surface = normalizeSurface(raw);
    out.push({ start, end: start + raw.length, surface, folded: foldCase(surface), word: WORD_RE.test(raw) });
  }
  return out;
}

/** The normalised key of a whole name: folded tokens joined by one space ("Jean - Paul" for "Jean-Paul"). */
export function nameKey(name: string): string {
  return tokenize(name)
    .map((t) => t.folded)
    .join(' ');
}

/** Like nameKey but keeping case: "Apple" and "apple" have the same nameKey but different casedNameKeys. */
export function casedNameKey(name: string): string {
  return tokenize(name)
    .map((t) => t.surface)
    .join(' ');
}

/** True when the token has at least two letters and every letter is upper case ("NASA", "UK", "IBM"). */
export function isAcronym(surface: string): boolean {
  const letters = surface.replace(/[^\p{L}]/gu, '');
  return letters.length >= 2 && letters === letters.toUpperCase() && letters !== letters.toLowerCase();
}

export function hasUpperCase(s: string): boolean {
  return /\p{Lu}/u.test(s);
}

/**
 * English function words. A KB name made only of these ("The Who", "It", "A") is matched only with its
 * exact case, and lower-case ones never start a detection, so running text does not light up on every "it".
 */
export const STOP_WORDS: ReadonlySet<string> = new Set(
  (
    'a an and are as at be been being but by can could did do does for from had has have he her here his how i if in ' +
    'into is it its me my no nor not of off on once only or our out over own she should so some such than that the ' +
    'their them then there these they this those through to too under up very was we were what when where which ' +
    'while who whom why will with would you your yours also about after again against all am any because before ' +
    'below between both during each few further just more most other same us may might must shall one two new'
  ).split(' '),
);

/** Character n-grams of a normalised string padded with spaces ("  d", " du", ...). */
export function charNgrams(s: string, n = 3): Map<string, number> {
  const padded = ` ${s} `;
  const grams = new Map<string, number>();
  if (padded.length < n) {
    grams.set(padded, 1);
    return grams;
  }
  for (let i = 0; i + n <= padded.length; i++) {
    const g = padded.slice(i, i + n);
    grams.set(g, (grams.get(g) ?? 0) + 1);
  }
  return grams;
}

/** Dice coefficient of two n-gram bags, in 0..1 (1 for identical strings). */
export function ngramDice(a: Map<string, number>, b: Map<string, number>): number {
  let inter = 0;
  let na = 0;
  let nb = 0;
  for (const [g, c] of a) {
    na += c;
    const d = b.get(g);
    if (d !== undefined) inter += Math.min(c, d);
  }
  for (const c of b.values()) nb += c;
  return na + nb === 0 ? 0 : (2 * inter) / (na + nb);
}
