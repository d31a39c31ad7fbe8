import { LinkerError } from '../errors';
import type { Entity } from '../kb/entity';
import type { KnowledgeBase } from '../kb/knowledgeBase';

/**
 * The KB records the linker reads by row (title, names, description, type, prior) and the id -> row lookup.
 * Two implementations: the loaded KB's arrays (KbEntityRecords: everything is at hand, loading is a no-op) and a
 * PostgreSQL KB store (PgEntityRecords: the rows a document needs are fetched in one query and kept in a bounded
 * cache), so a linker working against a store holds records in proportion to its documents, not to the KB.
 *
 * Protocol: `load(rows)` / `resolve(ids)` before the synchronous reads; `entity(row)` of a row that was not loaded
 * is a programming error (thrown), `rowOf(id)` of an id not resolved is undefined.
 */
export interface EntityRecords {
  readonly name: string;
  readonly size: number;
  /** Every record in row order, when this process holds them; undefined for a store. */
  readonly all: readonly Entity[] | undefined;
  /** Makes `entity(row)` answer for each of `rows` (one round trip for those not cached). */
  load(rows: Iterable<number>, signal?: AbortSignal): Promise<void>;
  /** Makes `rowOf(id)` answer for each of `ids` that the KB has (one round trip for those not cached). */
  resolve(ids: Iterable<string>, signal?: AbortSignal): Promise<void>;
  entity(row: number): Entity;
  rowOf(id: string): number | undefined;
  /** Rows of the entities with a name whose nameKey is one of `keys`, ascending; only records with no arrays here need it. */
  rowsNamed?(keys: readonly string[], signal?: AbortSignal): Promise<number[]>;
}

/** The records of a KB loaded in this process (today's arrays): loading and resolving cost nothing. */
export class KbEntityRecords implements EntityRecords {
  constructor(private readonly kb: KnowledgeBase) {}

  get name(): string {
    return this.kb.name;
  }

  get size(): number {
    return this.kb.size;
  }

  get all(): readonly Entity[] {
    return this.kb.entities;
  }

  async load(): Promise<void> {}

  async resolve(): Promise<void> {}

  entity(row: number): Entity {
    const e = this.kb.entities[row];
    if (e === undefined) throw new LinkerError('internal', `KB '${this.kb.name}' has no row ${row} (it has ${this.kb.size}).`);
    return e;
  }

  rowOf(id: string): number | undefined {
    return this.kb.rowOf(id);
  }
}
