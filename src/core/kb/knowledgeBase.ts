import type { Entity } from './entity';

/**
 * A loaded knowledge base: entities in a fixed order (the row of an entity is its position, which is also its
 * row in the vector index) and an id lookup. Readers and merging build it; everything downstream reads it.
 */
export class KnowledgeBase {
  readonly name: string;
  readonly entities: readonly Entity[];
  private readonly rowById: Map<string, number>;

  constructor(name: string, entities: readonly Entity[]) {
    this.name = name;
    this.entities = entities;
    this.rowById = new Map();
    entities.forEach((e, row) => this.rowById.set(e.id, row));
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
