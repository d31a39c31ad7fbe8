import { LinkerError, throwIfAborted } from '../errors';
import type { Logger } from '../log';
import { ngramKey } from '../linker/ngramIndex';
import { nameKey } from '../linker/tokens';
import type { CandidateLimits, CandidateQuery, CandidateStore, RetrievedCandidates, ScoredRow } from './candidateStore';
import { PgConnection } from './pgConnection';
import { PG_STORE_VERSION, parseVectorLiteral, readStoreState, stampMismatch, table, vectorLiteral, type StoreStamp } from './pgSchema';
import type { StoreLocation } from './storeUrl';

export interface OpenPgCandidateStoreOptions {
  readonly location: StoreLocation;
  /** From the editor's SecretStorage; else the URL, PGPASSWORD or .pgpass. */
  readonly password?: string;
  /**
   * What the session needs the store to have been built from. Without `kbHash` (a session opened from the store
   * alone, no KB loaded to hash) the store's own KB is taken as it is.
   */
  readonly expect: Pick<StoreStamp, 'modelId' | 'templateId' | 'dims'> & { readonly kbHash?: string };
  /** The command that (re)builds the store, for the messages that refuse it. */
  readonly rebuildCommand: string;
  /** pgvector's hnsw.ef_search (default 200: at least the 64+ hits a mention asks for). */
  readonly efSearch?: number;
  /** pg_trgm similarity of a name the n-gram retriever returns (default 0.2) and word similarity of a lexical hit (default 0.5). */
  readonly ngramThreshold?: number;
  readonly wordThreshold?: number;
  /** Limit of one lookup in ms (default 30 s): a server that stops answering fails the request, not the worker. */
  readonly queryTimeoutMs?: number;
  /** Stored vectors kept in this process, at most (default 50,000). */
  readonly vectorCache?: number;
  readonly logger?: Logger;
}

/**
 * Opens a PostgreSQL KB store for linking, after checking its stamp: a store built with another model, from
 * another KB (content hash), with another entity template, or left half-built is refused with the reason and
 * the command that rebuilds or resumes it.
 */
export async function openPgCandidateStore(options: OpenPgCandidateStoreOptions): Promise<PgCandidateStore> {
  const { location } = options;
  const settings = [
    `SET hnsw.ef_search = ${Math.max(1, Math.floor(options.efSearch ?? 200))}`,
    `SET pg_trgm.similarity_threshold = ${options.ngramThreshold ?? 0.2}`,
    `SET pg_trgm.word_similarity_threshold = ${options.wordThreshold ?? 0.5}`,
  ];
  const connection = new PgConnection({ location, password: options.password, queryTimeoutMs: options.queryTimeoutMs ?? 30_000, onConnect: settings, logger: options.logger });
  try {
    const state = await readStoreState(connection);
    const where = `The KB store ${location.redacted}`;
    if (state === undefined) {
      throw new LinkerError('indexStale', `${where} holds no KB.`, { hint: `Build it first: ${options.rebuildCommand}` });
    }
    const why = stampMismatch(state.stamp, { ...options.expect, kbHash: options.expect.kbHash ?? state.stamp.kbHash, version: PG_STORE_VERSION });
    if (why !== undefined) {
      throw new LinkerError('indexStale', `${where} cannot be used: ${why}.`, { hint: `Rebuild it for this model and KB: ${options.rebuildCommand}` });
    }
    if (!state.complete) {
      throw new LinkerError('indexStale', `${where} is not finished: its build stopped after ${state.rowsDone} of ${state.stamp.entities} entities.`, {
        hint: `Run the build again; it resumes where it stopped: ${options.rebuildCommand}`,
      });
    }
    options.logger?.info(`${where}: ${state.stamp.entities} entities, ${state.stamp.dims}-d ${state.stamp.vectorType}.`);
    return new PgCandidateStore(connection, state.stamp, options.vectorCache ?? 50_000);
  } catch (e) {
    await connection.close();
    throw e;
  }
}

interface HitRow {
  kind: 'd' | 'n' | 'e' | 'l' | 'g';
  row: number;
  score: number;
}

/** Dense candidates by pgvector (HNSW, inner product), name candidates by pg_trgm (GIN), both in one statement per mention. */
export class PgCandidateStore implements CandidateStore {
  readonly kind = 'postgres';
  private readonly vectors = new Map<number, Float32Array>();

  constructor(
    readonly connection: PgConnection,
    readonly stamp: StoreStamp,
    private readonly vectorCache: number,
  ) {}

  get size(): number {
    return this.stamp.entities;
  }

  get dims(): number {
    return this.stamp.dims;
  }

  async retrieve(queries: readonly CandidateQuery[], limits: CandidateLimits, signal?: AbortSignal): Promise<RetrievedCandidates[]> {
    const out: RetrievedCandidates[] = [];
    const want = new Set<number>();
    for (const q of queries) {
      throwIfAborted(signal);
      const hits = await this.hits(q, limits);
      // UNION ALL does not promise to keep each part's order: sort here (exact names in KB order, the rest best first).
      const pick = (kind: HitRow['kind']): ScoredRow[] =>
        hits
          .filter((h) => h.kind === kind)
          .map((h) => ({ row: h.row, score: h.score }))
          .sort((a, b) => (kind === 'e' ? a.row - b.row : b.score - a.score || a.row - b.row));
      const exactRows = pick('e').map((h) => h.row);
      const byName = pick('l').filter((h) => !exactRows.includes(h.row));
      const lexical = limits.lexicalOff === true ? [] : [...exactRows.map((row) => ({ row, score: Infinity })), ...byName].slice(0, Math.max(limits.lexical, exactRows.length));
      const result: RetrievedCandidates = { exactRows, dense: pick('d'), nameDense: pick('n'), lexical, ngram: pick('g') };
      for (const list of [result.dense, result.nameDense, result.lexical, result.ngram]) for (const h of list) want.add(h.row);
      for (const row of q.rows ?? []) want.add(row);
      out.push(result);
    }
    await this.fetchVectors([...want].filter((row) => !this.vectors.has(row)));
    return out;
  }

  vector(row: number): Float32Array | undefined {
    return this.vectors.get(row);
  }

  async close(): Promise<void> {
    await this.connection.close();
  }

  private async hits(q: CandidateQuery, limits: CandidateLimits): Promise<HitRow[]> {
    const loc = this.connection.location;
    const entities = table(loc, 'entities');
    const names = table(loc, 'names');
    const cast = `${this.stamp.vectorType}(${this.stamp.dims})`;
    const params: unknown[] = [];
    const p = (value: unknown): string => {
      params.push(value);
      return `$${params.length}`;
    };
    const parts: string[] = [];
    const dense = (kind: 'd' | 'n', v: Float32Array): void => {
      const vec = p(vectorLiteral(v));
      parts.push(`(SELECT '${kind}' AS kind, row, -(embedding <#> ${vec}::${cast}) AS score FROM ${entities} ORDER BY embedding <#> ${vec}::${cast} LIMIT ${p(limits.dense)})`);
    };
    if (q.vector !== undefined) dense('d', q.vector);
    if (q.nameVector !== undefined) dense('n', q.nameVector);
    const key = nameKey(q.text);
    if (key.length > 0) parts.push(`(SELECT DISTINCT 'e' AS kind, row, 1::float8 AS score FROM ${names} WHERE key = ${p(key)})`);
    const gram = ngramKey(q.text);
    if (limits.lexicalOff !== true && gram.length > 0) {
      const g = p(gram);
      parts.push(`(SELECT 'l' AS kind, row, max(word_similarity(${g}, gram))::float8 AS score FROM ${names} WHERE ${g} <% gram GROUP BY row ORDER BY score DESC, row LIMIT ${p(limits.lexical)})`);
      if (limits.ngram > 0) parts.push(`(SELECT 'g' AS kind, row, max(similarity(gram, ${g}))::float8 AS score FROM ${names} WHERE gram % ${g} GROUP BY row ORDER BY score DESC, row LIMIT ${p(limits.ngram)})`);
    }
    if (parts.length === 0) return [];
    const rows = await this.connection.read<HitRow>(parts.join(' UNION ALL '), params);
    return rows.map((r) => ({ kind: r.kind, row: Number(r.row), score: Number(r.score) }));
  }

  private async fetchVectors(rows: number[]): Promise<void> {
    if (rows.length === 0) return;
    if (this.vectors.size + rows.length > this.vectorCache) this.vectors.clear();
    const got = await this.connection.read<{ row: number; v: string }>(`SELECT row, embedding::text AS v FROM ${table(this.connection.location, 'entities')} WHERE row = ANY($1::integer[])`, [rows]);
    for (const r of got) this.vectors.set(Number(r.row), parseVectorLiteral(r.v));
  }
}
