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
  /** The number of n-grams counted in `grams` (its counts summed). */
  readonly gramCount: number;
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
  readonly gramCount: number;
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

/** ngramSimilarity (Dice) with both bags' sizes known: one pass over the mention's n-grams. */
function diceOf(m: MentionInfo, n: NameInfo): number {
  if (m.gramCount + n.gramCount === 0) return 0;
  let inter = 0;
  for (const [g, c] of m.grams) {
    const d = n.grams.get(g);
    if (d !== undefined) inter += c < d ? c : d;
  }
  return (2 * inter) / (m.gramCount + n.gramCount);
}

const gramCount = (grams: Map<string, number>): number => {
  let n = 0;
  for (const c of grams.values()) n += c;
  return n;
};

/**
 * A lower-case article before a mention is no part of the name ("the United States", "the US"): the name features
 * compare what follows it. A capitalised one may be ("The Hague", "The Who") and stays.
 */
const LEADING_ARTICLE = /^(?:the|a|an)\s+(?=\S)/u;

export function mentionInfo(mention: string): MentionInfo {
  const text = mention.replace(LEADING_ARTICLE, '');
  const key = nameKey(text);
  const letters = text.replace(/[^\p{L}]/gu, '');
  const grams = charNgrams(key);
  return {
    key,
    cased: casedNameKey(text),
    grams,
    gramCount: gramCount(grams),
    tokens: [...new Set(key.split(' ').filter((t) => WORD.test(t)))],
    acronym: isAcronym(text) && !/\s/.test(text.trim()) ? letters.toUpperCase() : undefined,
  };
}

export function nameInfo(name: string): NameInfo {
  // One tokenization gives nameKey (folded tokens) and casedNameKey (surfaces) as those functions build them.
  const tokenized = tokenize(name);
  const key = tokenized.map((t) => t.folded).join(' ');
  const words = tokenized.filter((t) => t.word);
  const all = words.map((t) => t.surface[0] ?? '').join('').toUpperCase();
  const content = words.filter((t) => !STOP_WORDS.has(t.folded)).map((t) => t.surface[0] ?? '').join('').toUpperCase();
  const tokens = new Set(key.split(' '));
  const grams = charNgrams(key);
  return { key, cased: tokenized.map((t) => t.surface).join(' '), grams, gramCount: gramCount(grams), tokens, words: new Set([...tokens].filter((t) => WORD.test(t))), initials: words.length >= 2 ? [all, content] : [] };
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
    const g = diceOf(m, n);
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
 * (or less) without finishing when the similarity cannot be above it: the length difference alone keeps it
 * there, or a row of the distance table already exceeds the distance it allows.
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
  // A row's least value never decreases further down, and the distance is at least it: once it exceeds the
  // largest distance whose similarity is above `floor`, the answer is `floor` (the caller keeps the larger).
  const maxDistance = Math.ceil((1 - floor) * n);
  let prev = rowA;
  let cur = rowB;
  for (let j = 0; j <= y.length; j++) prev[j] = j;
  for (let i = 1; i <= x.length; i++) {
    cur[0] = i;
    let least = i;
    const cx = x.charCodeAt(i - 1);
    for (let j = 1; j <= y.length; j++) {
      const sub = prev[j - 1] + (cx === y.charCodeAt(j - 1) ? 0 : 1);
      const del = prev[j] + 1;
      const ins = cur[j - 1] + 1;
      const v = sub < del ? (sub < ins ? sub : ins) : del < ins ? del : ins;
      cur[j] = v;
      if (v < least) least = v;
    }
    if (least > maxDistance) return floor;
    const t = prev;
    prev = cur;
    cur = t;
  }
  return 1 - prev[y.length] / n;
}

/**
 * Name features by mention text and KB row, kept across calls: a form repeated in a document, or re-linked
 * after an edit, is compared with a candidate's names once. The values depend only on the text and the names,
 * so the owner clears the cache when the names change (the annotator's confirmed forms). Emptied when full.
 */
export class NameFeatureCache<T> {
  private readonly byForm = new Map<string, Map<number, T>>();
  private entries = 0;

  constructor(private readonly capacity: number) {}

  get(form: string, row: number): T | undefined {
    return this.byForm.get(form)?.get(row);
  }

  set(form: string, row: number, value: T): void {
    if (this.entries >= this.capacity) this.clear();
    let rows = this.byForm.get(form);
    if (rows === undefined) {
      rows = new Map();
      this.byForm.set(form, rows);
    }
    if (!rows.has(row)) this.entries++;
    rows.set(row, value);
  }

  clear(): void {
    this.byForm.clear();
    this.entries = 0;
  }

  get size(): number {
    return this.entries;
  }
}
