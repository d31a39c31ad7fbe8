import type { Entity } from '../kb/entity';
import type { Span } from './types';
import { STOP_WORDS, hasUpperCase, isAcronym, tokenize } from './tokens';
import type { Token } from './tokens';
import { FuzzyTokenIndex } from './fuzzyTokens';
import { entityNames } from './names';
import { LazyTrieRoot, allStrings, saveTrie, type GazetteerSaved } from './gazetteerSaved';
import { greedyLongestMatches } from './greedyMatches';

/**
 * Mention detection by dictionary lookup of KB titles and aliases (and base names, see names.ts).
 *
 * Names are stored in a trie keyed by case-folded tokens, so a lookup costs one map access per token and the
 * trie holds 100k+ names (WordNet) without scanning them. The scan is leftmost-longest: at each token the
 * longest accepted name wins and the scan resumes after it, so matches never overlap.
 *
 * Case rules (one table, documented here because users will ask):
 * - an all-caps acronym ("WHO", "IT"), a name shorter than `minNameLength` characters, or a name made only of
 *   stop words ("The Who") matches only with its exact case;
 * - if such a name has no upper-case letter ("it", "ox" with the default minimum of 3) it is never detected,
 *   nor is any one-character name ("I", "A") (they can still be linked as given spans and are still found by
 *   lexical retrieval);
 * - every other name matches case-insensitively (after NFKC and case folding).
 *
 * Modes:
 * - 'names' (default): a match must contain an upper-case letter in the text, and a single word matches only
 *   a name that is itself capitalised in the KB ("Company" opening a sentence is not WordNet's "company"). This is what a user
 *   linking prose against WordNet or Wikipedia expects: proper names, not every common noun.
 * - 'all-words': every name that passes the case rules, lower-case common nouns included (word-sense
 *   linking of a whole text).
 */
export type DetectionMode = 'names' | 'all-words';

export interface DetectionOptions {
  readonly mode: DetectionMode;
  /** Names shorter than this (in characters) need their exact case. */
  readonly minNameLength: number;
  /** Also match name tokens misspelt by one edit (OCR, historical spelling): "Dublyn" -> "Dublin". */
  readonly fuzzy: boolean;
  /** Shortest text token the fuzzy match corrects (shorter words have too many neighbours). */
  readonly fuzzyMinLength: number;
  /** Longest name, in tokens, that the trie stores. */
  readonly maxNameTokens: number;
  /**
   * Drop a one-word match of a function word at a sentence start ("In" for indium, "May" for the month):
   * src/core/detection/functionWords.ts. Applied by the MentionDetector, not the dictionary.
   */
  readonly functionWords: boolean;
  /** Split a match "A, B" whose parts are both names ("Stockholm, Sweden") into two (MentionDetector). */
  readonly splitCommaNames: boolean;
  /** With a mention scorer: also score capitalised sequences the dictionary does not know (spanProposals.ts). */
  readonly proposals: boolean;
}

export const DEFAULT_DETECTION: DetectionOptions = {
  mode: 'names',
  minNameLength: 3,
  fuzzy: false,
  fuzzyMinLength: 5,
  maxNameTokens: 12,
  functionWords: true,
  splitCommaNames: true,
  proposals: true,
};

export interface DetectedMention extends Span {
  readonly text: string;
  /** KB rows of the entities one of whose names matched, in KB order. */
  readonly rows: readonly number[];
  /** True when at least one token matched only by the fuzzy rule. */
  readonly fuzzy: boolean;
  /** The mention scorer's probability, when one scored the span. */
  readonly probability?: number;
  /** A role title the annotation conventions by kind do not drop (MentionDetector.rolesPastConventions). */
  readonly role?: boolean;
}

export interface NameVariant {
  /** NFKC surface tokens of the name, for exact-case comparison. */
  readonly surfaces: readonly string[];
  readonly rows: number[];
  readonly exactCase: boolean;
  readonly capitalised: boolean;
}

export interface TrieNode {
  children?: Map<string, TrieNode>;
  variants?: NameVariant[];
}

interface Match {
  readonly endToken: number;
  readonly rows: readonly number[];
  readonly edits: number;
}

export class Gazetteer {
  readonly options: DetectionOptions;
  private readonly root: TrieNode = {};
  private readonly variantByKey = new Map<string, NameVariant>();
  private fuzzyIndex: FuzzyTokenIndex | undefined;
  private readonly nameTokens = new Set<string>();
  /** How many names went into the trie (for logs and tests). */
  nameCount = 0;

  /**
   * `saved`: the dictionary of a Gazetteer built earlier from the same entities with the same minNameLength and
   * maxNameTokens (a snapshot, see gazetteerSaved.ts); its trie is then built lazily, per first token.
   */
  constructor(entities: readonly Entity[], options: Partial<DetectionOptions> = {}, saved?: GazetteerSaved, shared?: Gazetteer) {
    this.options = { ...DEFAULT_DETECTION, ...options };
    if (shared !== undefined) {
      // A view of another dictionary (inMode): its trie and variants, built once, matched with these options.
      this.root = shared.root;
      this.variantByKey = shared.variantByKey;
      this.nameCount = shared.nameCount;
      return;
    }
    if (saved !== undefined) {
      this.root.children = new LazyTrieRoot(saved);
      this.nameCount = saved.nameCount;
      if (this.options.fuzzy) {
        for (const t of allStrings(saved.nameTokens)) this.nameTokens.add(t);
        this.fuzzyIndex = new FuzzyTokenIndex(this.nameTokens, this.options.fuzzyMinLength);
      }
      return;
    }
    entities.forEach((e, row) => {
      for (const name of entityNames(e)) this.addName(name, row);
    });
    if (this.options.fuzzy) this.fuzzyIndex = new FuzzyTokenIndex(this.nameTokens, this.options.fuzzyMinLength);
  }

  /**
   * The same dictionary matched in another mode, without fuzzy matching: its trie is shared, nothing is built (the
   * KB's names in any case over a text for Next Possible Name: 'all-words' over the linker's 'names' dictionary).
   * Only the match-time options change; the name-time ones (minNameLength, maxNameTokens) stay this one's.
   */
  inMode(mode: DetectionMode): Gazetteer {
    return new Gazetteer([], { ...this.options, mode, fuzzy: false }, undefined, this);
  }

  private addName(name: string, row: number): void {
    const toks = tokenize(name);
    if (toks.length === 0 || toks.length > this.options.maxNameTokens) return;
    if (!toks[0].word || !toks[toks.length - 1].word) return;
    const surfaces = toks.map((t) => t.surface);
    const joined = surfaces.join(' ');
    const onlyStopWords = toks.every((t) => !t.word || STOP_WORDS.has(t.folded));
    const exactCase = isAcronym(joined) || joined.replace(/ /g, '').length < this.options.minNameLength || onlyStopWords;
    const capitalised = hasUpperCase(joined);
    // One-letter names ("I", "A" in WordNet) would fire on every pronoun and article, whatever the case rule.
    if ((exactCase && !capitalised) || joined.length < 2) return;
    const key = `${exactCase ? 'E' : 'I'}\u0000${exactCase ? joined : toks.map((t) => t.folded).join(' ')}\u0000${capitalised ? 'C' : 'l'}`;
    const known = this.variantByKey.get(key);
    if (known !== undefined) {
      if (known.rows[known.rows.length - 1] !== row) known.rows.push(row);
      return;
    }
    let node = this.root;
    for (const t of toks) {
      node.children ??= new Map();
      let next = node.children.get(t.folded);
      if (next === undefined) {
        next = {};
        node.children.set(t.folded, next);
      }
      node = next;
      if (t.word) this.nameTokens.add(t.folded);
    }
    const variant: NameVariant = { surfaces, rows: [row], exactCase, capitalised };
    (node.variants ??= []).push(variant);
    this.variantByKey.set(key, variant);
    this.nameCount++;
  }

  /** The dictionary in flat form, for a snapshot (a Gazetteer built from entities, not from a snapshot). */
  toSaved(): GazetteerSaved {
    return saveTrie(this.root, this.nameCount, this.nameTokens);
  }

  /** Detects mentions in `text` (or in `text.slice(from, to)`, offsets stay relative to `text`). */
  detect(text: string, from = 0, to = text.length): DetectedMention[] {
    return this.detectTokens(text, tokenize(text.slice(from, to)).map((t) => ({ ...t, start: t.start + from, end: t.end + from })));
  }

  /** Detects mentions among already tokenized `tokens` of `text` (offsets into `text`). */
  detectTokens(text: string, tokens: readonly Token[]): DetectedMention[] {
    return greedyLongestMatches(tokens, (i) => this.longestAt(tokens, i), (best) => best.endToken).map(({ first, last, match }) => {
      const start = tokens[first].start;
      const end = tokens[last].end;
      return { start, end, text: text.slice(start, end), rows: match.rows, fuzzy: match.edits > 0 };
    });
  }

  private longestAt(tokens: readonly Token[], i: number): Match | undefined {
    let best: Match | undefined;
    // Depth-first over the trie; fuzzy alternatives branch, exact paths are tried first.
    const walk = (node: TrieNode, j: number, edits: number): void => {
      if (j >= tokens.length || j - i >= this.options.maxNameTokens) return;
      const tok = tokens[j];
      const children = node.children;
      if (children === undefined) return;
      const steps: { key: string; cost: number }[] = [{ key: tok.folded, cost: 0 }];
      if (this.fuzzyIndex !== undefined && tok.word && edits === 0 && !this.nameTokens.has(tok.folded)) {
        for (const alt of this.fuzzyIndex.neighbours(tok.folded)) steps.push({ key: alt, cost: 1 });
      }
      for (const step of steps) {
        const next = children.get(step.key);
        if (next === undefined) continue;
        const e = edits + step.cost;
        if (next.variants !== undefined && tok.word) {
          const rows = this.accepted(tokens, i, j, next.variants, e);
          if (rows.length > 0 && (best === undefined || j > best.endToken || (j === best.endToken && e < best.edits))) {
            best = { endToken: j, rows, edits: e };
          }
        }
        walk(next, j + 1, e);
      }
    };
    walk(this.root, i, 0);
    return best;
  }

  private accepted(tokens: readonly Token[], i: number, j: number, variants: readonly NameVariant[], edits: number): number[] {
    const span = tokens.slice(i, j + 1);
    const spanHasUpper = span.some((t) => t.word && hasUpperCase(t.surface));
    const single = i === j;
    const rows = new Set<number>();
    for (const v of variants) {
      if (v.exactCase && (edits > 0 || v.surfaces.length !== span.length || v.surfaces.some((s, k) => s !== span[k].surface))) continue;
      if (this.options.mode === 'names') {
        if (!spanHasUpper) continue;
        // A lone word matches a lower-case KB name (a common noun) only in 'all-words' mode, so "Company" at the
        // start of a sentence or in a heading is not taken for a name.
        if (single && !v.capitalised) continue;
      } else if (single && STOP_WORDS.has(span[0].folded) && !v.exactCase) {
        continue;
      }
      for (const r of v.rows) rows.add(r);
    }
    return [...rows].sort((a, b) => a - b);
  }
}
