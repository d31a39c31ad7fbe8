/** An entity of a knowledge base, in the one shape every reader produces. */
export interface Entity {
  /** The KB identifier (a Wikidata QID, a brat curid, a WordNet synset id, an IRI ...). Unique in a KB. */
  readonly id: string;
  readonly title: string;
  /** The description: what the dense encoder reads after the title. May be empty. */
  readonly text: string;
  readonly aliases: readonly string[];
  readonly type?: string;
  /**
   * How often the entity is meant, where the KB says (a popularity or frequency count, e.g. WordNet's sense
   * tag counts); the ranker's `kbPrior` feature compares it among the candidates. Optional; added for the ranker.
   */
  readonly prior?: number;
  /** Where the record came from ("file:line"), for messages that point at the source. */
  readonly source?: string;
}

/** The formats a KB source can be read from. */
export type KbFormat = 'jsonl' | 'zeshel' | 'blink' | 'brat' | 'sparql-json' | 'csv' | 'tsv' | 'wordnet';

export const KB_FORMATS: readonly KbFormat[] = ['jsonl', 'zeshel', 'blink', 'brat', 'sparql-json', 'csv', 'tsv', 'wordnet'];
