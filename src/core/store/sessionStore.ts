import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { Logger, ProgressListener } from '../log';
import type { CandidateStore } from './candidateStore';
import type { EntityRecords } from './entityRecords';
import { openPgCandidateStore } from './pgCandidateStore';
import { PgEntityRecords } from './pgEntityRecords';
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
  readonly kb: KnowledgeBase;
  readonly kbHash: string;
  readonly modelId: string;
  readonly templateId: string;
  readonly dims: number;
  /** The KB's entity vectors, computed only when the build has rows left to write. */
  readonly vectors: () => Promise<Float32Array>;
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
}

/** Builds (or resumes) the store when asked to, then opens it for linking after checking its stamp. */
export async function openSessionStore(options: SessionStoreOptions): Promise<SessionStore> {
  const location = parseStoreUrl(options.url);
  const stamp = { modelId: options.modelId, kbHash: options.kbHash, templateId: options.templateId, dims: options.dims };
  let build: PgStoreBuildResult | undefined;
  if (options.build !== undefined) {
    const connection = new PgConnection({ location, password: options.password, logger: options.logger });
    try {
      build = await buildPgStore({
        connection,
        entities: options.kb.entities,
        vectors: options.vectors,
        stamp: { ...stamp, vectorType: options.build.vectorType ?? 'vector' },
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
  const records = new PgEntityRecords(candidates.connection, candidates.stamp, { name: options.kb.name });
  return { candidates, records, ...(build === undefined ? {} : { build }) };
}
