import * as path from 'node:path';
import * as vscode from 'vscode';
import { prepareVulkanIcd } from '../../core/encoder/gpu/vulkanIcd';
import { LinkerError } from '../../core/errors';
import type { Entity } from '../../core/kb/entity';
import type { Logger } from '../../core/log';
import type { DocumentContext, LinkedMention, SpanRequest } from '../../core/linker/types';
import { type LinkerClient, type RequestBody, type RequestOptions, startLinkerClient } from '../../core/worker/linkerClient';
import type { LinkingSessionConfig } from '../../core/session/linkingSession';
import type { EntityHit, SessionInfo, TextComparison, WorkerResults } from '../../core/worker/linkerProtocol';
import { abortSignalFrom } from '../cancellation';
import type { ModelSettings } from '../config';
import { Disposable } from '../disposable';
import type { LinkingSettings } from './linkingSettings';
import type { Notifier } from '../notifier';
import { progressReporter } from '../progressReporter';
import { describeLoadFailure, describeSkippedRecords, type KbProblem } from './sessionProblems';
import { plural } from '../../shared/plural';

/** What the link service needs to know each time it opens a session. */
export interface LinkServiceSettings {
  readonly model: ModelSettings;
  readonly linking: LinkingSettings;
}

export type LinkServiceState = 'idle' | 'loading' | 'ready' | 'failed';

/**
 * Owns the linking session (KB, encoder, index, linker) inside the linker worker: opened lazily on first use
 * under a cancellable progress notification, shown in the status bar (KB name and size, model, provider,
 * state), reloaded on demand. Reloading disposes only the session's worker; nothing else is touched.
 */
export class LinkService extends Disposable {
  private client: LinkerClient | undefined;
  private opening: Promise<{ client: LinkerClient; info: SessionInfo }> | undefined;
  private info_: SessionInfo | undefined;
  private state_: LinkServiceState = 'idle';
  private generation = 0;
  /** While a settings change the session depends on lands (reloadAfter), opening waits for it. */
  private switching: Promise<void> | undefined;
  /** The load failure last shown, so a retry per keystroke does not repeat it; reset by every unload and success. */
  private shownFailure: string | undefined;
  private readonly entityCache = new Map<string, Entity | null>();
  private readonly statusItem: vscode.StatusBarItem;
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  /** Fires when a session opens, fails or is dropped (documents re-link, views refresh). */
  readonly onDidChangeSession = this.changed.event;

  constructor(
    private readonly readSettings: () => LinkServiceSettings,
    private readonly extensionPath: string,
    private readonly cacheDir: string,
    private readonly logger: Logger,
    showLogCommand: string,
    private readonly notifier: Notifier,
    private readonly showLog: () => void,
    /** The KB store's password from SecretStorage (kbStoreSecret.ts), when a store is configured. */
    private readonly storePassword?: (storeUrl: string) => Promise<string | undefined>,
  ) {
    super();
    this.statusItem = this.register(vscode.window.createStatusBarItem('entityLinker.linker', vscode.StatusBarAlignment.Right, 101));
    this.statusItem.name = 'Entity Linker';
    this.statusItem.command = showLogCommand;
    this.showStatus();
  }

  get state(): LinkServiceState {
    return this.state_;
  }

  get info(): SessionInfo | undefined {
    return this.info_;
  }

  /** The status bar text (the test hooks read it). */
  get statusText(): string {
    return this.statusItem.text;
  }

  /** Which thread links: 'worker', or 'main-thread' when no worker could start. */
  get thread(): LinkerClient['thread'] | undefined {
    return this.client?.thread;
  }

  /** The open session, opening it first if needed. */
  async ready(): Promise<SessionInfo> {
    return (await this.session()).info;
  }

  /** `context`: the decisions already made in the document (one sense per discourse, coherence). */
  async linkDocument(key: string, text: string, signal?: AbortSignal, context?: DocumentContext): Promise<LinkedMention[]> {
    const { client } = await this.session();
    return client.request({ kind: 'linkDocument', key, text, topK: this.readSettings().linking.topK, ...(context === undefined ? {} : { context }) }, { signal });
  }

  async linkSpans(text: string, spans: readonly SpanRequest[], signal?: AbortSignal): Promise<LinkedMention[]> {
    const { client } = await this.session();
    return client.request({ kind: 'linkSpans', text, spans, topK: this.readSettings().linking.topK }, { signal });
  }

  async searchKb(query: string, limit: number, signal?: AbortSignal): Promise<EntityHit[]> {
    const { client } = await this.session();
    return client.request({ kind: 'searchKb', query, limit }, { signal });
  }

  async entities(ids: readonly string[]): Promise<(Entity | undefined)[]> {
    const missing = [...new Set(ids.filter((id) => !this.entityCache.has(id)))];
    if (missing.length > 0) {
      const { client } = await this.session();
      const found = await client.request({ kind: 'entities', ids: missing });
      missing.forEach((id, i) => this.entityCache.set(id, found[i]));
    }
    return ids.map((id) => this.entityCache.get(id) ?? undefined);
  }

  /** Any other worker request against the open session (export, fine-tuning), opening the session first. */
  async request<K extends 'exportGold' | 'finetune' | 'refit' | 'forgetLearned' | 'setLearned' | 'learnedBase' | 'mentionVectors'>(body: RequestBody<K>, options: RequestOptions = {}): Promise<WorkerResults[K]> {
    const { client } = await this.session();
    return client.request(body, options);
  }

  /** The spans of `text` the KB has a name for, in any case (Next / Previous Possible Name); null when the KB is read from a store alone. */
  async nameSpans(text: string, signal?: AbortSignal): Promise<{ start: number; end: number }[] | null> {
    const { client } = await this.session();
    return client.request({ kind: 'nameSpans', text }, { signal });
  }

  /** Cosine similarity of a mention text and an entity text under the session's encoder, opening the session first. */
  async compareTexts(mention: string, entity: string, signal?: AbortSignal): Promise<TextComparison> {
    const { client } = await this.session();
    return client.request({ kind: 'compareTexts', mention, entity }, { signal });
  }

  /** Forgets a document's last run in the worker (it closed). */
  forget(key: string): void {
    this.client?.request({ kind: 'forget', key }).catch(() => undefined);
  }

  /** A round trip to the linker thread (benchmarks: worker responsiveness while it links). */
  async ping(): Promise<void> {
    const { client } = await this.session();
    await client.request({ kind: 'ping' });
  }

  /**
   * Drops the session and runs `change` (a settings update) before any session opens again: a panel or an
   * editor that asks meanwhile waits, then opens on the new settings rather than on the old ones.
   */
  async reloadAfter<T>(change: () => Promise<T>): Promise<T> {
    const run = (async () => {
      await this.unload();
      return change();
    })();
    const gate = run.then(() => undefined, () => undefined);
    this.switching = gate;
    try {
      return await run;
    } finally {
      if (this.switching === gate) this.switching = undefined;
    }
  }

  /** Drops the session; the next use opens one with the current settings. */
  async unload(): Promise<void> {
    this.generation++;
    this.shownFailure = undefined;
    const client = this.client;
    this.client = undefined;
    this.opening = undefined;
    this.info_ = undefined;
    this.entityCache.clear();
    this.state_ = 'idle';
    this.showStatus();
    this.changed.fire();
    await client?.dispose();
  }

  override dispose(): void {
    const client = this.client;
    this.generation++;
    this.client = undefined;
    this.opening = undefined;
    super.dispose();
    client?.dispose().catch((e: unknown) => this.logger.warn(`Stopping the linker failed: ${(e as Error).message}`));
  }

  private session(): Promise<{ client: LinkerClient; info: SessionInfo }> {
    if (this.isDisposed) return Promise.reject(new LinkerError('cancelled', 'Entity Linker is shutting down.'));
    const switching = this.switching;
    if (switching !== undefined) return switching.then(() => this.session());
    if (this.client !== undefined && !this.client.alive) {
      // The worker died (out of memory, a native crash): start a new one with a fresh session.
      this.logger.warn('The linker worker has exited; starting a new one.');
      this.client = undefined;
      this.opening = undefined;
      this.info_ = undefined;
      this.entityCache.clear();
    }
    if (this.opening === undefined) {
      const attempt = this.open();
      this.opening = attempt;
      attempt.catch(() => {
        // A failed or cancelled open is not cached: the next use tries again (after the user fixed a setting).
        if (this.opening === attempt) this.opening = undefined;
      });
    }
    return this.opening;
  }

  private async open(): Promise<{ client: LinkerClient; info: SessionInfo }> {
    const generation = this.generation;
    const settings = this.readSettings();
    this.state_ = 'loading';
    this.showStatus();
    const options = this.sessionOptions(settings);
    // The store's password goes to the worker with the request only (never into options that are logged or shown).
    const storePassword = options.kbStore === undefined ? undefined : await this.storePassword?.(options.kbStore);
    // Native code reads the environment of the process, which only this (main) thread can change: done here,
    // before the worker's first WebGPU session.
    prepareVulkanIcd(options.provider, this.logger);
    this.logger.info(`Opening the linking session: KB ${settings.linking.kbSources.length === 0 && options.kbConfig === undefined ? 'WordNet (built-in)' : JSON.stringify([...(options.kbSources ?? []).map((s) => s.path), ...(options.kbConfig === undefined ? [] : [options.kbConfig])])}, model ${options.modelDir ?? 'built-in'}, provider ${options.provider}.`);
    let client: LinkerClient | undefined;
    try {
      client = this.client ?? (await startLinkerClient(path.join(this.extensionPath, 'dist', 'linkerWorker.js'), this.logger));
      this.client = client;
      const started = client;
      const info = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Entity Linker: loading the KB, model and index', cancellable: true },
        async (progress, token) => {
          const abort = abortSignalFrom(token);
          try {
            return await started.request({ kind: 'open', options: storePassword === undefined ? options : { ...options, kbStorePassword: storePassword } }, { signal: abort.signal, onProgress: progressReporter(progress) });
          } finally {
            abort.dispose();
          }
        },
      );
      if (generation !== this.generation) throw new LinkerError('cancelled', 'The linking session was unloaded while it was loading.');
      this.info_ = info;
      this.state_ = 'ready';
      this.shownFailure = undefined;
      this.logger.info(`Linking session ready in ${info.loadMs.toFixed(0)} ms on the ${client.thread}: KB '${info.kbName}' (${plural(info.kbSize, 'entity', 'entities')}), ${info.provider}, index ${info.indexAction}.`);
      this.showStatus();
      this.changed.fire();
      if (info.kbSkipped !== undefined) this.reportSkipped(info.kbSkipped);
      return { client, info };
    } catch (e) {
      if (generation === this.generation) {
        this.state_ = LinkerError.is(e, 'cancelled') ? 'idle' : 'failed';
        this.showStatus(e);
        if (this.state_ === 'failed') this.reportFailure(e, options);
      }
      throw e;
    }
  }

  /**
   * A session that failed to load is shown once per cause (every later use retries and fails the same way):
   * what failed (the KB, the model), where, and the way out. Another failure, or the same one after a reload or
   * a settings change, is shown again.
   */
  private reportFailure(e: unknown, options: LinkingSessionConfig): void {
    const failure = describeLoadFailure(e, options);
    this.logger.error(e instanceof Error ? e : new Error(String(e)));
    if (this.shownFailure === failure.message) return;
    this.shownFailure = failure.message;
    const openAction = failure.problem === undefined ? undefined : `Open ${path.basename(failure.problem.file)}${failure.problem.line === undefined ? '' : ` at Line ${failure.problem.line}`}`;
    const lenientAction = failure.kbRecord && options.strict !== false ? 'Skip Bad Records' : undefined;
    const actions = [openAction, lenientAction, 'Show Log'].filter((a): a is string => a !== undefined);
    void this.notifier.show('error', failure.message, ...actions).then(async (picked) => {
      if (picked === openAction && failure.problem !== undefined) await openAtLine(failure.problem);
      else if (picked === lenientAction) await vscode.workspace.getConfiguration('entityLinker').update('kb.lenient', true, vscode.workspace.workspaceFolders === undefined ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace);
      else if (picked === 'Show Log') this.showLog();
    }).then(undefined, (err: unknown) => this.logger.error(err instanceof Error ? err : new Error(String(err))));
  }

  /** A lenient load that skipped records says so, lists them in the log and opens the first at its line. */
  private reportSkipped(skipped: NonNullable<SessionInfo['kbSkipped']>): void {
    for (const r of skipped.first) this.logger.warn(`Skipped KB record ${r.file}:${r.line}: ${r.reason}`);
    if (skipped.count > skipped.first.length) this.logger.warn(`... and ${skipped.count - skipped.first.length} more skipped KB records.`);
    const first = skipped.first[0];
    const openAction = first === undefined ? undefined : `Open ${path.basename(first.file)}${first.line > 0 ? ` at Line ${first.line}` : ''}`;
    const actions = [openAction, 'Show Log'].filter((a): a is string => a !== undefined);
    void this.notifier.show('warning', describeSkippedRecords(skipped), ...actions).then(async (picked) => {
      if (picked === openAction && first !== undefined) await openAtLine({ file: first.file, ...(first.line > 0 ? { line: first.line } : {}) });
      else if (picked === 'Show Log') this.showLog();
    }).then(undefined, (err: unknown) => this.logger.error(err instanceof Error ? err : new Error(String(err))));
  }

  private sessionOptions(settings: LinkServiceSettings): LinkingSessionConfig {
    const { linking, model } = settings;
    return {
      ...(linking.kbSources.length === 0 ? {} : { kbSources: linking.kbSources }),
      ...(linking.kbConfig === undefined ? {} : { kbConfig: linking.kbConfig }),
      ...(linking.kbStore === undefined ? {} : { kbStore: linking.kbStore }),
      ...(model.isBundled ? {} : { modelDir: model.dir }),
      packageRoot: this.extensionPath,
      provider: model.provider,
      precision: model.precision,
      ...(model.cudaProviderDir === undefined ? {} : { cudaProviderDir: model.cudaProviderDir }),
      cacheDir: this.cacheDir,
      strict: !linking.lenient,
      linkerOptions: { topK: linking.topK, nilThreshold: linking.nilThreshold, detection: { mode: linking.detection }, coreference: { detect: linking.pronouns } },
    };
  }

  private showStatus(error?: unknown): void {
    const item = this.statusItem;
    const info = this.info_;
    switch (this.state_) {
      case 'idle':
        item.text = '$(link) Entity Linker';
        item.tooltip = 'Entity Linker: the KB and model load when a document is linked.';
        break;
      case 'loading':
        item.text = '$(sync~spin) Entity Linker: loading';
        item.tooltip = 'Loading the KB, the model and the index.';
        break;
      case 'failed':
        item.text = '$(error) Entity Linker';
        item.tooltip = `Loading failed: ${error instanceof Error ? error.message : String(error)}\nClick to show the log.`;
        break;
      case 'ready':
        if (info !== undefined) {
          item.text = `$(link) ${info.kbName} (${formatCount(info.kbSize)}) · ${path.basename(info.modelDir)} · ${info.provider}`;
          const md = new vscode.MarkdownString(undefined, false);
          md.appendMarkdown('**Entity Linker**\n\n');
          md.appendText(`KB: ${info.kbName}, ${plural(info.kbSize, 'entity', 'entities')}\nModel: ${path.basename(info.modelDir)} (${info.dims}-d, ${info.modelId.slice(0, 12)})\nExecution provider: ${info.provider}\nLinking on: ${this.client?.thread ?? 'n/a'}\nIndex: ${info.indexAction}\n`);
          item.tooltip = md;
        }
        break;
    }
    item.show();
  }
}

/** Opens a KB file with the cursor at the start of the bad line (a line past the end lands on the last). */
async function openAtLine(problem: KbProblem): Promise<void> {
  const document = await vscode.workspace.openTextDocument(vscode.Uri.file(problem.file));
  const line = Math.min(Math.max(0, (problem.line ?? 1) - 1), Math.max(0, document.lineCount - 1));
  const at = new vscode.Position(line, 0);
  await vscode.window.showTextDocument(document, { selection: new vscode.Range(at, at), preview: false });
}

function formatCount(n: number): string {
  return n >= 1_000_000 ? `${(n / 1_000_000).toFixed(1)}M` : n >= 10_000 ? `${Math.round(n / 1000)}k` : String(n);
}

