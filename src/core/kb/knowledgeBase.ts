import type { Entity } from './entity';

/**
 * A loaded knowledge base: entities in a fixed order (the row of an entity is its position, which is also its
 * row in the vector index) and an id lookup. Readers and merging build it; everything downstream reads it.
 */
export class KnowledgeBase {
  readonly name: string;
  readonly entities: readonly Entity[];
  private rowByIdMap: Map<string, number> | undefined;

  /**
   * `rowById`, when given, must map every entity's id to its row; the KB loader passes the map it built
   * while merging so a million-entity KB does not hold two of them at once. Without it the map is built on the
   * first lookup (a KB opened from its snapshot may never need one).
   */
  constructor(name: string, entities: readonly Entity[], rowById?: Map<string, number>) {
    this.name = name;
    this.entities = entities;
    if (rowById !== undefined && rowById.size === entities.length) this.rowByIdMap = rowById;
  }

  private get rowById(): Map<string, number> {
    if (this.rowByIdMap === undefined) {
      const map = new Map<string, number>();
      this.entities.forEach((e, row) => map.set(e.id, row));
      this.rowByIdMap = map;
    }
    return this.rowByIdMap;
  }

  get size(): number {
    return this.entities.length;
  }

  rowOf(id: string): number | undefined {
    return this.rowById.get(id);
  }

  get(id: string): Entity | undefined {
    const row = this.rowById.get(id);
    return row === undefined ? undefined : this.entities[row];
  }
}
