import { charNgrams, isAcronym, nameKey, casedNameKey, ngramDice, STOP_WORDS, tokenize } from './tokens';

/**
 * How a mention's surface form compares with an entity's names (title, aliases, base name, and forms the
 * annotator confirmed): the lexical ranker features. Each is the best value over the names.
 */
export interface NameFeatures {
  /** 1 when every mention token occurs in one name, else `ngram` (the version-1 `lexical` feature). */
  readonly lexical: number;
  /** Character-trigram similarity (Dice) to the closest name; 1 when a name holds every mention token (as below). */
  readonly ngram: number;
  /** Word-token Jaccard with the closest name. */
  readonly tokenOverlap: number;
  /** 1 - Levenshtein distance / longer length, to the closest name (normalised keys). */
  readonly edit: number;
  /** 1 when the mention equals a name with the same case. */
  readonly exactCase: number;
  /** 1 when the mention is an acronym of a name's words ("WHO", "U.S."). */
  readonly acronym: number;
}

interface NameInfo {
  readonly key: string;
  readonly cased: string;
  readonly grams: Map<string, number>;
  readonly tokens: ReadonlySet<string>;
  /** The word tokens (letters or digits) among `tokens`. */
  readonly words: ReadonlySet<string>;
  /** Initials of the name's words, with and without stop words, upper-cased. */
  readonly initials: readonly string[];
}

export interface MentionInfo {
  readonly key: string;
  readonly cased: string;
  readonly grams: Map<string, number>;
  readonly tokens: readonly string[];
  /** The letters of an acronym mention, upper-cased; undefined when the mention is no acronym. */
  readonly acronym: string | undefined;
}

/**
 * Character n-gram similarity of two normalised strings. One small function so that a better one (the
 * n-gram retriever's, src/core/linker/ngramIndex.ts) can replace it.
 */
export function ngramSimilarity(a: Map<string, number>, b: Map<string, number>): number {
  return ngramDice(a, b);
}

export function mentionInfo(text: string): MentionInfo {
  const key = nameKey(text);
  const letters = text.replace(/[^\p{L}]/gu, '');
  return {
    key,
    cased: casedNameKey(text),
    grams: charNgrams(key),
    tokens: [...new Set(key.split(' ').filter((t) => WORD.test(t)))],
    acronym: isAcronym(text) && !/\s/.test(text.trim()) ? letters.toUpperCase() : undefined,
  };
}

export function nameInfo(name: string): NameInfo {
  const key = nameKey(name);
  const words = tokenize(name).filter((t) => t.word);
  const all = words.map((t) => t.surface[0] ?? '').join('').toUpperCase();
  const content = words.filter((t) => !STOP_WORDS.has(t.folded)).map((t) => t.surface[0] ?? '').join('').toUpperCase();
  const tokens = new Set(key.split(' '));
  return { key, cased: casedNameKey(name), grams: charNgrams(key), tokens, words: new Set([...tokens].filter((t) => WORD.test(t))), initials: words.length >= 2 ? [all, content] : [] };
}

export function nameFeatures(m: MentionInfo, names: readonly NameInfo[]): NameFeatures {
  let lexical = 0;
  let ngram = 0;
  let tokenOverlap = 0;
  let edit = 0;
  let exactCase = 0;
  let acronym = 0;
  for (const n of names) {
    if (m.cased === n.cased) exactCase = 1;
    if (m.acronym !== undefined && n.initials.includes(m.acronym)) acronym = 1;
    if (edit === 1) continue; // a name already holds every token: the similarities below are all 1
    // A name holding every token of the mention matches it fully: which of the entities named "... Emerson" a
    // bare "Emerson" means is the context's question, and a shorter name must not win by being closer in form.
    if (m.tokens.length > 0 && m.tokens.every((t) => n.tokens.has(t))) {
      lexical = ngram = tokenOverlap = edit = 1;
      continue;
    }
    const g = ngramSimilarity(m.grams, n.grams);
    ngram = Math.max(ngram, g);
    lexical = Math.max(lexical, g);
    tokenOverlap = Math.max(tokenOverlap, jaccard(m.tokens, n.words));
    edit = Math.max(edit, editSimilarity(m.key, n.key, edit));
  }
  return { lexical, ngram, tokenOverlap, edit, exactCase, acronym };
}

const WORD = /[\p{L}\p{N}]/u;

/** Jaccard of the mention's distinct word tokens and a name's word tokens. */
function jaccard(a: readonly string[], b: ReadonlySet<string>): number {
  let inter = 0;
  for (const t of a) if (b.has(t)) inter++;
  const union = a.length + b.size - inter;
  return union === 0 ? 0 : inter / union;
}

let rowA = new Int32Array(65);
let rowB = new Int32Array(65);

/**
 * 1 - Levenshtein(a, b) / max(|a|, |b|); strings over 64 characters compare by their first 64. Returns `floor`
 * without computing when the length difference alone keeps the similarity at or below it.
 */
export function editSimilarity(a: string, b: string, floor = -1): number {
  const x = a.length > 64 ? a.slice(0, 64) : a;
  const y = b.length > 64 ? b.slice(0, 64) : b;
  const n = Math.max(x.length, y.length);
  if (n === 0) return 1;
  if (1 - Math.abs(x.length - y.length) / n <= floor) return floor;
  if (rowA.length < y.length + 1) {
    rowA = new Int32Array(y.length + 1);
    rowB = new Int32Array(y.length + 1);
  }
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    const cx = x.charCodeAt(i - 1);
    for (let j = 1; j <= y.length; j++) {
      const sub = prev[j - 1] + (cx === y.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      cur[j] = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  return 1 - prev[y.length] / n;
}
