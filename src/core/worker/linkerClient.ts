import { Worker } from 'node:worker_threads';
import { LinkerError } from '../errors';
import type { Logger, ProgressListener } from '../log';
import { type WorkerInbound, type WorkerOutbound, type WorkerRequest, type WorkerResults, isWorkerOutbound } from './linkerProtocol';
import type { LinkingSessionConfig } from '../session/linkingSession';
import { LinkerRequestHandler } from './linkerRequestHandler';
import { deserializeError } from './workerErrors';

/** How long dispose waits for the worker to stop its work and release its session before terminating it. */
const CLOSE_TIMEOUT_MS = 5000;

/** A request without its id (the client numbers them). */
export type RequestBody<K extends WorkerRequest['kind']> = Omit<Extract<WorkerRequest, { kind: K }>, 'id'> & { readonly kind: K };

export interface RequestOptions {
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
}

/** Where the linker runs: its own worker thread, or (when no worker could start) the caller's thread. */
export type LinkerThread = 'worker' | 'main-thread';

/** The host's handle on the linker: the same typed requests whichever thread answers them. */
export interface LinkerClient {
  readonly thread: LinkerThread;
  /** False once the worker has exited (crashed or terminated): the owner starts a new client. */
  readonly alive: boolean;
  request<K extends WorkerRequest['kind']>(body: RequestBody<K>, options?: RequestOptions): Promise<WorkerResults[K]>;
  dispose(): Promise<void>;
}

interface Pending {
  resolve(value: unknown): void;
  reject(error: Error): void;
  onProgress?: ProgressListener;
  detach(): void;
}

/**
 * The linker in a worker thread. A request's signal aborting rejects it at once with `cancelled` and tells
 * the worker to stop; a worker that dies rejects everything in flight.
 */
export class WorkerLinkerClient implements LinkerClient {
  readonly thread = 'worker';
  private readonly worker: Worker;
  private readonly pending = new Map<number, Pending>();
  private nextId = 1;
  private exited: Error | undefined;
  private onClosed: (() => void) | undefined;

  constructor(scriptPath: string, private readonly logger: Logger) {
    this.worker = new Worker(scriptPath);
    this.worker.on('message', (message: unknown) => this.onMessage(message));
    this.worker.on('error', (e) => this.fail(e));
    this.worker.on('exit', (code) => this.fail(new LinkerError('internal', `The linker worker exited (code ${code}).`, { hint: 'The next use starts a new one; see the log for the cause.' })));
  }

  get alive(): boolean {
    return this.exited === undefined;
  }

  request<K extends WorkerRequest['kind']>(body: RequestBody<K>, options: RequestOptions = {}): Promise<WorkerResults[K]> {
    if (this.exited !== undefined) return Promise.reject(this.exited);
    if (options.signal?.aborted === true) return Promise.reject(new LinkerError('cancelled', 'The request was cancelled.'));
    const id = this.nextId++;
    return new Promise<WorkerResults[K]>((resolve, reject) => {
      const onAbort = (): void => {
        this.post({ kind: 'cancel', id });
        this.settle(id)?.reject(new LinkerError('cancelled', 'The request was cancelled.'));
      };
      options.signal?.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, {
        resolve: resolve as (value: unknown) => void,
        reject,
        onProgress: options.onProgress,
        detach: () => options.signal?.removeEventListener('abort', onAbort),
      });
      this.post({ ...body, id } as WorkerInbound);
    });
  }

  async dispose(): Promise<void> {
    const alive = this.exited === undefined;
    this.fail(new LinkerError('cancelled', 'The linker worker was shut down.'));
    if (alive) await this.closeGracefully();
    await this.worker.terminate();
  }

  /** Lets the worker stop its work and release native resources before the thread is terminated (bounded wait). */
  private closeGracefully(): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = setTimeout(finish, CLOSE_TIMEOUT_MS);
      this.onClosed = finish;
      this.worker.once('exit', finish);
      this.post({ kind: 'close', id: 0 });
      function finish(): void {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  private post(message: WorkerInbound): void {
    this.worker.postMessage(message);
  }

  private settle(id: number): Pending | undefined {
    const p = this.pending.get(id);
    if (p === undefined) return undefined;
    this.pending.delete(id);
    p.detach();
    return p;
  }

  private onMessage(message: unknown): void {
    if (!isWorkerOutbound(message)) {
      this.logger.warn('linker worker: ignored a malformed message.');
      return;
    }
    const m: WorkerOutbound = message;
    switch (m.kind) {
      case 'log':
        this.logger[m.level](m.message);
        return;
      case 'closed':
        this.onClosed?.();
        return;
      case 'progress':
        // The message is the Progress itself (stage, done, total, epoch, figures) plus its kind and id.
        this.pending.get(m.id)?.onProgress?.(m);
        return;
      case 'response': {
        const p = this.settle(m.id);
        if (m.ok) p?.resolve(m.result);
        else p?.reject(deserializeError(m.error));
      }
    }
  }

  private fail(error: Error): void {
    this.exited ??= error;
    for (const id of [...this.pending.keys()]) this.settle(id)?.reject(error);
  }
}

/**
 * The fallback when a worker cannot start (or native modules refuse to load in one): the same handler on the
 * caller's thread. The linker yields between encoder batches, so the host stays responsive between them but
 * not during one.
 */
export class InProcessLinkerClient implements LinkerClient {
  readonly thread = 'main-thread';
  readonly alive = true;
  private readonly handler: LinkerRequestHandler;

  constructor(logger: Logger) {
    this.handler = new LinkerRequestHandler(logger);
  }

  async request<K extends WorkerRequest['kind']>(body: RequestBody<K>, options: RequestOptions = {}): Promise<WorkerResults[K]> {
    const signal = options.signal ?? new AbortController().signal;
    if (signal.aborted) throw new LinkerError('cancelled', 'The request was cancelled.');
    return this.handler.handle({ ...body, id: 0 } as Extract<WorkerRequest, { kind: K }>, signal, options.onProgress ?? (() => undefined));
  }

  dispose(): Promise<void> {
    return this.handler.dispose();
  }
}

/** Requests that run on the training thread: long CPU-bound work that linking must never queue behind. */
export const TRAINING_REQUEST_KINDS: readonly WorkerRequest['kind'][] = ['finetune', 'exportGold', 'refit', 'forgetLearned'];
/** Training-thread requests that need no session there (pure computation on what the request carries). */
const SESSIONLESS_KINDS: readonly WorkerRequest['kind'][] = ['refit', 'forgetLearned'];

/** How long an idle training thread keeps its session before it is stopped (its memory is returned). */
export const TRAINING_IDLE_MS = 60_000;

/**
 * The linker on two worker threads: linking, search and entity look-ups on one; fine-tuning and export (which
 * run for minutes and mine negatives with the linker) on a second, started on the first such request with a
 * session opened from the same options, and stopped after TRAINING_IDLE_MS without work. So an editor keeps
 * linking while a model trains; the two threads share the CPU, not a queue.
 */
export class TwoThreadLinkerClient implements LinkerClient {
  readonly thread = 'worker';
  private training: WorkerLinkerClient | undefined;
  /** The options of the last `open`, and whether the training thread's session was opened with them. */
  private sessionOptions: LinkingSessionConfig | undefined;
  private trainingSession: Promise<unknown> | undefined;
  private trainingBusy = 0;
  private idleTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly linking: WorkerLinkerClient,
    private readonly startTraining: () => WorkerLinkerClient,
    private readonly idleMs = TRAINING_IDLE_MS,
  ) {}

  get alive(): boolean {
    return this.linking.alive;
  }

  /** Whether the training thread is running now (tests, the log). */
  get trainingThreadRunning(): boolean {
    return this.training?.alive === true;
  }

  request<K extends WorkerRequest['kind']>(body: RequestBody<K>, options: RequestOptions = {}): Promise<WorkerResults[K]> {
    if (body.kind === 'open') {
      this.sessionOptions = (body as unknown as RequestBody<'open'>).options;
      this.trainingSession = undefined;
    }
    if (!TRAINING_REQUEST_KINDS.includes(body.kind)) return this.linking.request(body, options);
    return this.onTrainingThread(body, options);
  }

  private async onTrainingThread<K extends WorkerRequest['kind']>(body: RequestBody<K>, options: RequestOptions): Promise<WorkerResults[K]> {
    const sessionOptions = this.sessionOptions;
    const needsSession = !SESSIONLESS_KINDS.includes(body.kind);
    if (sessionOptions === undefined && needsSession) throw new LinkerError('usage', 'No linking session is open.', { hint: 'Open one (the KB and model load) first.' });
    this.trainingBusy++;
    clearTimeout(this.idleTimer);
    try {
      if (this.training === undefined || !this.training.alive) {
        this.training = this.startTraining();
        this.trainingSession = undefined;
      }
      const training = this.training;
      if (needsSession) await this.openTrainingSession(training, sessionOptions!, options);
      return await training.request(body, options);
    } finally {
      if (--this.trainingBusy === 0) this.scheduleIdleStop();
    }
  }

  /** The training thread's session, opened once per `open` of the link thread (shared by concurrent requests). */
  private async openTrainingSession(training: WorkerLinkerClient, sessionOptions: LinkingSessionConfig, options: RequestOptions): Promise<void> {
    const opening = (this.trainingSession ??= training.request({ kind: 'open', options: sessionOptions }, { onProgress: options.onProgress }));
    try {
      await raceAbort(opening, options.signal);
    } catch (e) {
      if (this.trainingSession === opening && !LinkerError.is(e, 'cancelled')) this.trainingSession = undefined;
      throw e;
    }
  }

  private scheduleIdleStop(): void {
    this.idleTimer = setTimeout(() => {
      const training = this.training;
      if (this.trainingBusy > 0 || training === undefined) return;
      this.training = undefined;
      this.trainingSession = undefined;
      void training.dispose();
    }, this.idleMs);
    this.idleTimer.unref?.();
  }

  async dispose(): Promise<void> {
    clearTimeout(this.idleTimer);
    const training = this.training;
    this.training = undefined;
    await Promise.all([this.linking.dispose(), training?.dispose()]);
  }
}

/** Rejects with `cancelled` when the signal aborts first (the awaited work itself goes on, for others sharing it). */
function raceAbort<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (signal === undefined) return work;
  if (signal.aborted) return Promise.reject(new LinkerError('cancelled', 'The request was cancelled.'));
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(new LinkerError('cancelled', 'The request was cancelled.'));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

/**
 * Starts the linker in a worker thread and checks that it answers (a worker whose script is missing fails
 * here, not on the first real request); falls back to the caller's thread when it cannot. Training requests
 * get a second worker thread (TwoThreadLinkerClient).
 */
export async function startLinkerClient(workerScript: string | undefined, logger: Logger): Promise<LinkerClient> {
  if (workerScript !== undefined) {
    let client: WorkerLinkerClient | undefined;
    try {
      client = new WorkerLinkerClient(workerScript, logger);
      await client.request({ kind: 'ping' });
      return new TwoThreadLinkerClient(client, () => new WorkerLinkerClient(workerScript, logger));
    } catch (e) {
      await client?.dispose().catch(() => undefined);
      logger.warn(`The linker worker could not start (${(e as Error).message}); linking runs on the extension host's thread instead.`);
    }
  }
  return new InProcessLinkerClient(logger);
}
