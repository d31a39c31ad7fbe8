import type { Entity } from '../kb/entity';
import { Gazetteer, type DetectionOptions } from './gazetteer';
import { LexicalIndex, type LexicalOptions } from './lexicalIndex';
import { NgramIndex, type NgramOptions } from './ngramIndex';

/**
 * How the linker gets its name indexes (the detection dictionary, the lexical and the n-gram retrievers) the first
 * time it needs each: built from the entities (the default), or opened from a snapshot in the cache
 * (nameIndexCache.ts), which the session passes for a KB it opened from the cache.
 */
export interface NameIndexBuilders {
  gazetteer(entities: readonly Entity[], options: Partial<DetectionOptions>): Gazetteer;
  lexical(entities: readonly Entity[], options: Partial<LexicalOptions>): LexicalIndex;
  ngram(entities: readonly Entity[], options: Partial<NgramOptions>): NgramIndex;
}

export const BUILD_NAME_INDEXES: NameIndexBuilders = {
  gazetteer: (entities, options) => new Gazetteer(entities, options),
  lexical: (entities, options) => new LexicalIndex(entities, options),
  ngram: (entities, options) => new NgramIndex(entities, options),
};
