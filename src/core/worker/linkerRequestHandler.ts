import { LinkerError } from '../errors';
import type { Entity } from '../kb/entity';
import { KbSearch } from '../linker/kbSearch';
import type { LinkedMention, LinkOptions, Span } from '../linker/types';
import { kbNameSpans } from '../simulation/kbNameSpans';
import type { Logger, ProgressListener } from '../log';
import { type LinkingSession, openLinkingSession } from '../session/linkingSession';
import type { EntityHit, SessionInfo, TextComparison, WorkerRequest, WorkerResults } from './linkerProtocol';
import { dotAt } from '../vectorMath';
import { exportStore, finetuneStore } from './trainingRequests';
import { applyLearned, learnedBase, refitLearner } from './learningRequests';
import { deleteOnlineLearner } from '../training/onlineStateFile';

const SNIPPET_CHARS = 160;
export { SHORTEST_PREFIX } from '../linker/kbSearch';

/**
 * Answers the linker protocol's requests against one linking session. The worker thread wraps it around
 * `parentPort`; when a worker cannot start, the host runs the same handler on its own thread, so both paths
 * share every line of behaviour.
 */
export class LinkerRequestHandler {
  private session: LinkingSession | undefined;
  /** Last text and result per document key, for paragraph-level re-linking. */
  private readonly lastRun = new Map<string, { text: string; result: LinkedMention[] }>();
  /** Live KB search for the picker (its prefix index is built on the first search). */
  private kbSearch: KbSearch | undefined;
  /** Link requests run one at a time: the linker's timings and caches are per call. */
  private linkQueue: Promise<unknown> = Promise.resolve();
  /** The open session's cache folder (fine-tuning caches the new model's entity vectors there). */
  private cacheDir: string | undefined;
  /** The KB's names in any case over a text, for Next / Previous Possible Name (its dictionary is built on the first ask). */
  private nameSpansOf: ((text: string) => Span[]) | undefined;
  /** The refits that write a workspace's learner (persistTo): forgetting it waits for them, so none writes it back after. */
  private persisting: Promise<unknown> = Promise.resolve();

  constructor(private readonly logger: Logger) {}

  async handle<K extends WorkerRequest['kind']>(request: Extract<WorkerRequest, { kind: K }>, signal: AbortSignal, onProgress: ProgressListener): Promise<WorkerResults[K]> {
    return (await this.dispatch(request, signal, onProgress)) as WorkerResults[K];
  }

  private async dispatch(request: WorkerRequest, signal: AbortSignal, onProgress: ProgressListener): Promise<unknown> {
    switch (request.kind) {
      case 'open':
        return this.open(request.options, signal, onProgress);
      case 'linkDocument':
        return this.serially(() => this.linkDocument(request.key, request.text, { signal, topK: request.topK, ...(request.context === undefined ? {} : { context: request.context }) }));
      case 'linkSpans':
        return this.serially(() => this.require().linker.linkSpans(request.text, request.spans, { signal, topK: request.topK, ...(request.context === undefined ? {} : { context: request.context }) }));
      case 'searchKb':
        return this.search(request.query, request.limit);
      case 'entities':
        return this.require().entitiesById(request.ids);
      case 'forget':
        this.lastRun.delete(request.key);
        return null;
      case 'ping':
        return null;
      case 'compareTexts':
        return this.serially(() => compareTexts(this.require(), request.mention, request.entity, signal));
      case 'exportGold':
        return this.serially(() => exportStore(this.require(), request.request, signal, onProgress));
      case 'finetune':
        return this.serially(() => finetuneStore(this.require(), this.cacheDir!, request.request, this.logger, signal, onProgress));
      case 'refit': {
        const refit = refitLearner(request.learner, request.examples, signal, request.persistTo);
        if (request.persistTo !== undefined) this.persisting = Promise.all([this.persisting, refit.catch(() => undefined)]);
        return refit;
      }
      case 'forgetLearned':
        await this.persisting;
        await deleteOnlineLearner(request.file);
        return null;
      case 'setLearned':
        // Between link runs, so one run never mixes two states.
        return this.serially(async () => {
          applyLearned(this.require(), request.state);
          if (request.keepRuns !== true) this.lastRun.clear();
          return null;
        });
      case 'learnedBase':
        return learnedBase(this.require());
      case 'mentionVectors':
        return this.serially(async () => (await this.require().linker.mentionVectors(request.text, request.spans, signal)).map((v) => Array.from(v)));
      case 'nameSpans': {
        const session = this.require();
        if (!session.hasKb) return null;
        this.nameSpansOf ??= kbNameSpans(session.linker.detector.gazetteer);
        return this.nameSpansOf(request.text);
      }
    }
  }

  private async open(options: Extract<WorkerRequest, { kind: 'open' }>['options'], signal: AbortSignal, onProgress: ProgressListener): Promise<SessionInfo> {
    const previous = this.session;
    this.session = undefined;
    this.lastRun.clear();
    this.kbSearch = undefined;
    this.nameSpansOf = undefined;
    await previous?.dispose();
    const started = performance.now();
    const session = await openLinkingSession({ ...options, logger: this.logger, onProgress, signal });
    this.session = session;
    this.cacheDir = options.cacheDir;
    // Detection and lexical structures are built on first use; building them now keeps the first link fast. A
    // session opened from the store alone has none: its linker and search read the store.
    if (session.hasKb) {
      void session.linker.gazetteer;
      void session.linker.lexical;
      // The search index is built in the next turn, so the open answers first; a search before then builds it.
      setTimeout(() => {
        if (this.session === session) (this.kbSearch ??= new KbSearch(session.kb.entities, () => session.linker.lexical)).warm();
      }, 0);
    }
    return {
      kbName: session.kbName,
      kbSize: session.kbSize,
      modelDir: session.modelDir,
      modelId: session.encoder.modelId,
      provider: session.encoder.provider,
      dims: session.encoder.dims,
      indexAction: session.indexAction,
      loadMs: performance.now() - started,
      ...(session.kbReport.skipped === 0 ? {} : { kbSkipped: { count: session.kbReport.skipped, first: session.kbReport.sources.flatMap((s) => s.skipped).slice(0, 20) } }),
    };
  }

  private async linkDocument(key: string | undefined, text: string, options: LinkOptions): Promise<LinkedMention[]> {
    const { linker } = this.require();
    const previous = key === undefined ? undefined : this.lastRun.get(key);
    const result = previous === undefined
      ? await linker.linkDocument(text, options)
      : await linker.relinkChanged(previous.text, previous.result, text, options);
    if (key !== undefined) this.lastRun.set(key, { text, result });
    return result;
  }

  /** Title and alias search with prefix matching on the last word, for a picker that searches as one types. */
  private async search(query: string, limit: number): Promise<EntityHit[]> {
    const session = this.require();
    if (!session.hasKb && session.store !== undefined) return (await session.store.search(query, limit)).map(entityHit);
    const { kb, linker } = session;
    this.kbSearch ??= new KbSearch(kb.entities, () => linker.lexical);
    return this.kbSearch.rows(query, limit).map((row) => entityHit(kb.entities[row]));
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.linkQueue.then(work, work);
    this.linkQueue = next.catch(() => undefined);
    return next;
  }

  private require(): LinkingSession {
    if (this.session === undefined) throw new LinkerError('usage', 'No linking session is open.', { hint: 'Open one (the KB and model load) first.' });
    return this.session;
  }

  async dispose(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.dispose();
  }
}

/**
 * The two texts through the session's encoder, each on its side of the bi-encoder (a fine-tuned model applies a
 * different head to mentions and to entities), so the cosine is the one the linker would score.
 */
async function compareTexts(session: LinkingSession, mention: string, entity: string, signal: AbortSignal): Promise<TextComparison> {
  const { encoder } = session;
  const [m] = await encoder.encode([mention], { signal, role: 'mention' });
  const [e] = await encoder.encode([entity], { signal, role: 'entity' });
  return { cosine: dotAt(m, 0, e, 0, encoder.dims), provider: encoder.provider, dims: encoder.dims };
}

export function entityHit(e: Entity): EntityHit {
  const snippet = e.text.length > SNIPPET_CHARS ? `${e.text.slice(0, SNIPPET_CHARS - 1)}…` : e.text;
  return { id: e.id, title: e.title, ...(e.type === undefined ? {} : { type: e.type }), snippet, aliases: e.aliases.slice(0, 5) };
}
