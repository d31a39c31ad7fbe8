import { checkShape } from '../index/exactIndex';
import { throwIfAborted } from '../errors';
import type { Entity } from '../kb/entity';
import { silentLogger, type Logger, type ProgressListener } from '../log';
import { entityNames } from '../linker/names';
import { ngramKey } from '../linker/ngramIndex';
import { nameKey } from '../linker/tokens';
import type { PgConnection } from './pgConnection';
import { rowWriter, type NameRow, type RowWriterKind } from './pgRowWriter';
import { createIndexesSql, createTablesSql, PG_STORE_VERSION, readStoreState, stampMismatch, table, textArrayLiteral, vectorLiteral, type StoreStamp } from './pgSchema';

export interface BuildPgStoreOptions {
  readonly connection: PgConnection;
  readonly entities: readonly Entity[];
  /** Row-major n x dims vectors, or a function making them, called only when rows remain to be written. */
  readonly vectors: Float32Array | (() => Promise<Float32Array>);
  readonly stamp: Omit<StoreStamp, 'version' | 'entities'>;
  /** Entities per transaction (default 1000): a killed build loses at most one batch. */
  readonly batchSize?: number;
  /** Default 'auto': COPY, except on PGlite (INSERT from arrays; see RowWriterKind). */
  readonly writer?: RowWriterKind | 'auto';
  /** pgvector HNSW build parameters (default m 16, ef_construction 64: pgvector's defaults). */
  readonly hnsw?: { readonly m: number; readonly efConstruction: number };
  readonly logger?: Logger;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

export interface PgStoreBuildResult {
  /** 'opened': complete and current, nothing written; 'resumed': an interrupted build finished; 'built': from scratch. */
  readonly action: 'opened' | 'resumed' | 'built';
  /** Why it was (re)built: absent when opened or resumed. */
  readonly reason?: string;
  readonly rowsWritten: number;
  readonly writer?: RowWriterKind;
  /** Seconds writing rows (embedding excluded) and building the indexes. */
  readonly seconds: { readonly rows: number; readonly indexes: number };
}

/**
 * Writes the KB into the store and builds its search indexes, resuming an interrupted build: rows go in
 * batches, each committed together with the count of rows done (the progress table), and each index is
 * recorded once built. A store stamped with another model, KB, template or vector type is replaced.
 */
export async function buildPgStore(options: BuildPgStoreOptions): Promise<PgStoreBuildResult> {
  const { connection, entities, signal } = options;
  const logger = options.logger ?? silentLogger;
  const location = connection.location;
  const want: StoreStamp = { ...options.stamp, version: PG_STORE_VERSION, entities: entities.length };
  const state = await readStoreState(connection);
  let reason: string | undefined;
  if (state === undefined) reason = `schema ${location.schema} holds no store yet`;
  else reason = stampMismatch(state.stamp, want) ?? (state.stamp.vectorType !== want.vectorType ? `it stores ${state.stamp.vectorType}, ${want.vectorType} was asked for` : undefined) ?? (state.stamp.entities !== want.entities ? `it holds ${state.stamp.entities} entities, the KB has ${want.entities}` : undefined);
  if (reason === undefined && state?.complete === true) {
    logger.info(`KB store ${location.redacted} is complete and current: ${want.entities} entities.`);
    return { action: 'opened', rowsWritten: 0, seconds: { rows: 0, indexes: 0 } };
  }
  let from = 0;
  if (reason !== undefined) {
    logger.info(`Building the KB store ${location.redacted}: ${reason}.`);
    await connection.write(`DROP SCHEMA IF EXISTS "${location.schema}" CASCADE`);
    for (const sql of createTablesSql(location, want)) await connection.write(sql);
    const stampRows = Object.entries(want).map(([k, v]) => [k, String(v)]);
    await connection.write(`INSERT INTO ${table(location, 'stamp')} (key, value) SELECT * FROM unnest($1::text[], $2::text[])`, [stampRows.map((r) => r[0]), stampRows.map((r) => r[1])]);
    await connection.write(`INSERT INTO ${table(location, 'progress')} (step, done) VALUES ('rows', 0)`);
  } else {
    from = state!.rowsDone;
    logger.info(`Resuming the KB store build at ${location.redacted}: ${from} of ${want.entities} entities already written.`);
  }

  const writerKind = options.writer === undefined || options.writer === 'auto' ? await defaultWriter(connection) : options.writer;
  const writer = rowWriter(writerKind, connection, want.vectorType);
  const dims = want.dims;
  const batchSize = options.batchSize ?? 1000;
  let rowsSeconds = 0;
  if (from < entities.length) {
    const vectors = options.vectors instanceof Float32Array ? options.vectors : await options.vectors();
    checkShape(vectors, dims);
    if (vectors.length !== entities.length * dims) throw new RangeError(`buildPgStore: ${vectors.length / dims} vectors for ${entities.length} entities.`);
    const started = performance.now();
    for (let start = from; start < entities.length; start += batchSize) {
      throwIfAborted(signal);
      const end = Math.min(entities.length, start + batchSize);
      const rows = [];
      const names: NameRow[] = [];
      for (let row = start; row < end; row++) {
        const e = entities[row];
        rows.push({ row, id: e.id, title: e.title, text: e.text, aliases: textArrayLiteral(e.aliases), type: e.type ?? null, prior: e.prior ?? null, embedding: vectorLiteral(vectors, row * dims, (row + 1) * dims) });
        names.push(...nameRowsOf(row, e));
      }
      await connection.write('BEGIN');
      try {
        await writer.entities(table(location, 'entities'), rows);
        await writer.names(table(location, 'names'), names);
        await connection.write(`UPDATE ${table(location, 'progress')} SET done = $1 WHERE step = 'rows'`, [end]);
        await connection.write('COMMIT');
      } catch (e) {
        await connection.write('ROLLBACK').catch(() => undefined);
        throw e;
      }
      options.onProgress?.({ stage: 'Writing the KB store', done: end, total: entities.length });
    }
    rowsSeconds = (performance.now() - started) / 1000;
    logger.info(`KB store: wrote ${entities.length - from} entities in ${rowsSeconds.toFixed(1)} s (${writerKind}).`);
  }

  const indexStarted = performance.now();
  const done = new Set((await connection.read<{ step: string }>(`SELECT step FROM ${table(location, 'progress')}`)).map((r) => r.step));
  for (const { step, sql } of createIndexesSql(location, want, options.hnsw ?? { m: 16, efConstruction: 64 })) {
    if (done.has(step)) continue;
    throwIfAborted(signal);
    options.onProgress?.({ stage: `Building the KB store's ${step.replace('index:', '')} index`, done: 0 });
    for (const statement of sql.split('; ')) await connection.write(statement);
    await connection.write(`INSERT INTO ${table(location, 'progress')} (step, done) VALUES ($1, 1)`, [step]);
  }
  await connection.write(`INSERT INTO ${table(location, 'progress')} (step, done) VALUES ('complete', 1) ON CONFLICT (step) DO UPDATE SET done = 1`);
  const indexSeconds = (performance.now() - indexStarted) / 1000;
  logger.info(`KB store: indexes built in ${indexSeconds.toFixed(1)} s.`);
  return { action: reason === undefined ? 'resumed' : 'built', ...(reason === undefined ? {} : { reason }), rowsWritten: entities.length - from, writer: writerKind, seconds: { rows: rowsSeconds, indexes: indexSeconds } };
}

/** One row per distinct (nameKey, ngramKey) of the entity's title and aliases. */
export function nameRowsOf(row: number, e: Pick<Entity, 'title' | 'aliases'>): NameRow[] {
  const seen = new Set<string>();
  const out: NameRow[] = [];
  for (const name of entityNames(e)) {
    const key = nameKey(name);
    if (key.length === 0) continue;
    const gram = ngramKey(name);
    const both = `${key}\u0000${gram}`;
    if (seen.has(both)) continue;
    seen.add(both);
    out.push({ row, key, gram });
  }
  return out;
}

async function defaultWriter(connection: PgConnection): Promise<RowWriterKind> {
  const rows = await connection.read<{ version: string }>('SELECT version() AS version');
  return /PGlite/i.test(rows[0]?.version ?? '') ? 'insert' : 'copy';
}
