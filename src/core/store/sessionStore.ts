import { LinkerError } from '../errors';
import type { Entity } from '../kb/entity';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { Logger, ProgressListener } from '../log';
import type { CandidateStore } from './candidateStore';
import type { EntityRecords } from './entityRecords';
import { openPgCandidateStore } from './pgCandidateStore';
import { PgEntityRecords, readRecordsById } from './pgEntityRecords';
import { searchStoreNames } from './pgKbSearch';
import { PgConnection } from './pgConnection';
import type { StoredVectorType } from './pgSchema';
import { buildPgStore, type PgStoreBuildResult } from './pgStoreBuild';
import { parseStoreUrl } from './storeUrl';

/** How a session builds its store (`index --store`); without it the session only opens a finished, current store. */
export interface StoreBuildRequest {
  readonly vectorType?: StoredVectorType;
  /** Entities per committed batch (default 1000). */
  readonly batchSize?: number;
}

export interface SessionStoreOptions {
  readonly url: string;
  /** From the editor's SecretStorage (never from a settings file); else the URL, PGPASSWORD or .pgpass. */
  readonly password?: string;
  readonly build?: StoreBuildRequest;
  /** The loaded KB: needed to build; absent when the session is opened from the store alone. */
  readonly kb?: KnowledgeBase;
  /** The loaded KB's content hash, checked against the store's stamp; absent: the store's KB is taken as it is. */
  readonly kbHash?: string;
  /** The session's prior of a KB row (WordNet tag counts), written as the record's `prior` when building. */
  readonly entityPrior?: (row: number) => number | undefined;
  readonly modelId: string;
  readonly templateId: string;
  readonly dims: number;
  /** The KB's entity vectors, computed only when the build has rows left to write (needed to build). */
  readonly vectors?: () => Promise<Float32Array>;
  readonly logger: Logger;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

export interface SessionStore {
  readonly candidates: CandidateStore;
  /** The KB records, read from the store per document (the linker's EntityRecords). */
  readonly records: EntityRecords;
  /** What `index --store` did; absent when the session only opened the store. */
  readonly build?: PgStoreBuildResult;
  /** The records of `ids` (null where the KB has none), read from the store (the panels' entity lookups). */
  entitiesById(ids: readonly string[]): Promise<(Entity | null)[]>;
  /** The picker's KB search by title and alias, answered by the store's trigram index. */
  search(query: string, limit: number): Promise<Entity[]>;
}

/** Builds (or resumes) the store when asked to, then opens it for linking after checking its stamp. */
export async function openSessionStore(options: SessionStoreOptions): Promise<SessionStore> {
  const location = parseStoreUrl(options.url);
  const stamp = { modelId: options.modelId, templateId: options.templateId, dims: options.dims, ...(options.kbHash === undefined ? {} : { kbHash: options.kbHash }) };
  let build: PgStoreBuildResult | undefined;
  if (options.build !== undefined) {
    const kb = options.kb;
    const vectors = options.vectors;
    if (kb === undefined || options.kbHash === undefined || vectors === undefined) throw new LinkerError('usage', `Building the KB store ${location.redacted} needs the KB.`, { hint: 'Name it with --kb (or a KB config).' });
    const prior = options.entityPrior;
    const connection = new PgConnection({ location, password: options.password, logger: options.logger });
    try {
      build = await buildPgStore({
        connection,
        entities: prior === undefined ? kb.entities : kb.entities.map((e, row) => withPrior(e, prior(row))),
        vectors,
        stamp: { ...stamp, kbHash: options.kbHash, vectorType: options.build.vectorType ?? 'vector' },
        ...(options.build.batchSize === undefined ? {} : { batchSize: options.build.batchSize }),
        logger: options.logger,
        onProgress: options.onProgress,
        signal: options.signal,
      });
    } finally {
      await connection.close();
    }
  }
  const candidates = await openPgCandidateStore({
    location,
    password: options.password,
    expect: stamp,
    rebuildCommand: `entity-linker index --kb <the KB> [--model <the model>] --store ${location.redacted}`,
    logger: options.logger,
  });
  // Records share the candidates' connection (and its reconnect-once rule): one client per session.
  const connection = candidates.connection;
  const records = new PgEntityRecords(connection, candidates.stamp, { name: options.kb?.name ?? `KB store ${location.redacted}` });
  return {
    candidates,
    records,
    ...(build === undefined ? {} : { build }),
    entitiesById: (ids) => readRecordsById(connection, ids),
    search: (query, limit) => searchStoreNames(connection, query, limit),
  };
}

/** The record with the session's prior (kept as is when the session has none for it). */
function withPrior(e: Entity, prior: number | undefined): Entity {
  return prior === undefined || prior === e.prior ? e : { ...e, prior };
}
