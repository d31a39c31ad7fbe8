import { LinkerError, throwIfAborted } from '../errors';
import type { Entity } from '../kb/entity';
import type { EntityRecords } from './entityRecords';
import type { PgConnection } from './pgConnection';
import { table, type StoreStamp } from './pgSchema';

/** A stored record as the driver returns it. */
interface RecordRow {
  row: number;
  id: string;
  title: string;
  text: string;
  aliases: string[];
  type: string | null;
  prior: number | null;
}

export interface PgEntityRecordsOptions {
  /** Records kept in this process, at most (default 20,000); a document needing more keeps its own until the next load. */
  readonly capacity?: number;
  /** The KB's name, for messages (the store does not keep the source's name). */
  readonly name?: string;
}

/**
 * The KB records of a PostgreSQL store, read on demand: `load` fetches the rows not cached in one query
 * (`row = ANY($1)`), `resolve` the ids in one more (`id = ANY($1)`, the unique index on `id`), and both keep what
 * they read in a least-recently-used cache of `capacity` records. The rows of the latest load are never evicted by
 * it, so a document with more candidates than the capacity still reads all of its own. Reads go through the
 * store's connection: a lost connection is retried once, then fails with `storeUnavailable`, and the next call
 * reconnects.
 */
export class PgEntityRecords implements EntityRecords {
  readonly all = undefined;
  readonly name: string;
  private readonly capacity: number;
  /** Insertion order is recency: the first key is the least recently used. */
  private readonly byRow = new Map<number, Entity>();
  /**
   * Ids resolved (their rows outlive an evicted record, so a document's decisions stay resolvable and their records
   * are fetched again by the next load), and ids looked up and not found (-1), so they are not asked for again.
   */
  private readonly rowById = new Map<string, number>();
  /** The rows of the latest load: never evicted until the next load (the document being linked reads them). */
  private current: ReadonlySet<number> = new Set();
  /** Round trips made (loads and resolves that had something to fetch), for tests and benches. */
  queries = 0;

  constructor(
    private readonly connection: PgConnection,
    private readonly stamp: Pick<StoreStamp, 'entities'>,
    options: PgEntityRecordsOptions = {},
  ) {
    this.capacity = Math.max(1, Math.floor(options.capacity ?? 20_000));
    this.name = options.name ?? `KB store ${connection.location.redacted}`;
  }

  get size(): number {
    return this.stamp.entities;
  }

  /** Records held now. */
  get cached(): number {
    return this.byRow.size;
  }

  async load(rows: Iterable<number>, signal?: AbortSignal): Promise<void> {
    const wanted = new Set<number>();
    for (const row of rows) if (Number.isInteger(row) && row >= 0 && row < this.size) wanted.add(row);
    const missing: number[] = [];
    for (const row of wanted) {
      const e = this.byRow.get(row);
      if (e === undefined) missing.push(row);
      else this.touch(row, e);
    }
    if (missing.length > 0) {
      throwIfAborted(signal);
      this.queries++;
      const got = await this.connection.read<RecordRow>(`${this.select()} WHERE row = ANY($1::integer[])`, [missing]);
      for (const r of got) this.keep(r);
    }
    this.current = wanted;
    this.evict();
  }

  async resolve(ids: Iterable<string>, signal?: AbortSignal): Promise<void> {
    const missing = [...new Set(ids)].filter((id) => !this.rowById.has(id));
    if (missing.length === 0) return;
    throwIfAborted(signal);
    this.queries++;
    const got = await this.connection.read<RecordRow>(`${this.select()} WHERE id = ANY($1::text[])`, [missing]);
    for (const r of got) this.keep(r);
    for (const id of missing) if (!this.rowById.has(id)) this.rowById.set(id, -1);
    this.evict();
  }

  async rowsNamed(keys: readonly string[], signal?: AbortSignal): Promise<number[]> {
    if (keys.length === 0) return [];
    throwIfAborted(signal);
    this.queries++;
    const got = await this.connection.read<{ row: number }>(`SELECT DISTINCT row FROM ${table(this.connection.location, 'names')} WHERE key = ANY($1::text[]) ORDER BY row`, [keys]);
    return got.map((r) => Number(r.row));
  }

  entity(row: number): Entity {
    const e = this.byRow.get(row);
    if (e === undefined) throw new LinkerError('internal', `KB record of row ${row} was read before it was loaded from ${this.name}.`);
    return e;
  }

  rowOf(id: string): number | undefined {
    const row = this.rowById.get(id);
    return row === undefined || row < 0 ? undefined : row;
  }

  private select(): string {
    return recordSelect(this.connection);
  }

  private keep(r: RecordRow): void {
    const row = Number(r.row);
    const e = recordEntity(r);
    this.touch(row, e);
    this.rowById.set(e.id, row);
  }

  private touch(row: number, e: Entity): void {
    this.byRow.delete(row);
    this.byRow.set(row, e);
  }

  /** Drops the least recently used records beyond the capacity, except those of the latest load. */
  private evict(): void {
    const limit = Math.max(this.capacity, this.current.size);
    for (const row of this.byRow.keys()) {
      if (this.byRow.size <= limit) break;
      if (this.current.has(row)) continue;
      this.byRow.delete(row);
    }
    // Ids are small next to records, but bounded too: past 4x the capacity only those of cached records stay.
    if (this.rowById.size > 4 * limit) for (const [id, row] of this.rowById) if (!this.byRow.has(row)) this.rowById.delete(id);
  }
}

/** The statement that reads whole records (append a WHERE clause). */
function recordSelect(connection: PgConnection): string {
  return `SELECT row, id, title, text, aliases, type, prior FROM ${table(connection.location, 'entities')}`;
}

function recordEntity(r: RecordRow): Entity {
  return {
    id: r.id,
    title: r.title,
    text: r.text,
    aliases: r.aliases,
    ...(r.type === null ? {} : { type: r.type }),
    ...(r.prior === null ? {} : { prior: Number(r.prior) }),
  };
}

/**
 * The records of `ids` read straight from the store, in the order asked (null for an id the KB lacks), without
 * touching a linker's record cache: the panels' entity lookups, which may come while a document is being linked.
 */
export async function readRecordsById(connection: PgConnection, ids: readonly string[]): Promise<(Entity | null)[]> {
  if (ids.length === 0) return [];
  const got = await connection.read<RecordRow>(`${recordSelect(connection)} WHERE id = ANY($1::text[])`, [[...new Set(ids)]]);
  const byId = new Map(got.map((r) => [r.id, recordEntity(r)]));
  return ids.map((id) => byId.get(id) ?? null);
}

/** The records of `rows`, in the order asked (rows the KB lacks are left out), read as readRecordsById does. */
export async function readRecordsByRow(connection: PgConnection, rows: readonly number[]): Promise<Entity[]> {
  if (rows.length === 0) return [];
  const got = await connection.read<RecordRow>(`${recordSelect(connection)} WHERE row = ANY($1::integer[])`, [[...new Set(rows)]]);
  const byRow = new Map(got.map((r) => [Number(r.row), recordEntity(r)]));
  return rows.flatMap((row) => byRow.get(row) ?? []);
}
