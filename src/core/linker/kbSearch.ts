import type { Entity } from '../kb/entity';
import { LexicalIndex } from './lexicalIndex';

/** Shortest last word searched as a prefix. */
export const SHORTEST_PREFIX = 3;

const PREFIX_SEARCH = { prefix: true, fuzzy: 0.2 };

/**
 * The candidate picker's live search over titles and aliases, with prefix matching on the last word. The
 * worker answers the editor's searchKb requests with it, and `simulate` counts the picker's keystrokes with it.
 */
export class KbSearch {
  private prefixIndex: LexicalIndex | undefined;

  /** `wordIndex` is the linker's own whole-word index (built on first use, so it is passed lazily). */
  constructor(
    private readonly entities: readonly Entity[],
    private readonly wordIndex: () => LexicalIndex,
  ) {}

  /** Makes the prefix index now: the word index with prefix matching (shared, not built again) when it holds these entities. */
  warm(): void {
    if (this.prefixIndex !== undefined) return;
    const words = this.wordIndex();
    this.prefixIndex = words.isOver(this.entities) ? words.withOptions(PREFIX_SEARCH) : new LexicalIndex(this.entities, PREFIX_SEARCH);
  }

  /** The rows of the best `limit` entities for `query`, best first (empty for a blank query). */
  rows(query: string, limit: number): number[] {
    const q = query.trim();
    if (q === '') return [];
    // A one- or two-letter last word expands to thousands of prefix terms on a 100k KB (100 ms a keystroke):
    // until a third letter is typed, whole words are matched (the linker's own index).
    const lastWord = q.split(/\s+/).pop() ?? '';
    if (lastWord.length >= SHORTEST_PREFIX) this.warm();
    const index = lastWord.length < SHORTEST_PREFIX || this.prefixIndex === undefined ? this.wordIndex() : this.prefixIndex;
    return index.retrieve(q, limit).slice(0, limit).map((hit) => hit.row);
  }
}
