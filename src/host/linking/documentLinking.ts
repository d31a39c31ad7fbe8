import * as vscode from 'vscode';
import { LinkerError } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { DocumentContext, LinkedMention } from '../../core/linker/types';
import { Disposable } from '../disposable';
import { shiftPredictions } from './editorMention';
import type { LinkService } from './linkService';

/** The latest linker result of one open document, and the run in progress for it. */
export interface DocumentLinkState {
  /** Predictions for the document's current text (shifted through edits since the last run). */
  mentions: LinkedMention[];
  /** Document version the last completed run linked. */
  linkedVersion: number;
  timer: ReturnType<typeof setTimeout> | undefined;
  running: AbortController | undefined;
  /** Resolvers waiting for the document to have no pending or running link. */
  idleWaiters: (() => void)[];
}

/**
 * Links open documents in the background: a document is linked when it opens and, debounced, after edits;
 * a new run cancels the stale one; the worker re-links only changed paragraphs. Between runs the last result
 * follows edits (shifted, or dropped where an edit touched it), so decorations never sit on the wrong text.
 */
export class DocumentLinking extends Disposable {
  private readonly states = new Map<string, DocumentLinkState>();
  private readonly emitter = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.emitter.event;
  private failureShown = false;
  /** The decisions already made in a document, sent with each run (set by online learning; see OnlineLearning). */
  contextOf: ((uri: vscode.Uri) => DocumentContext | undefined) | undefined;

  constructor(
    private readonly links: LinkService,
    private readonly debounceMs: () => number,
    private readonly logger: Logger,
    private readonly onFailure: (e: unknown) => void,
  ) {
    super();
    // A new session (or a reload) starts a new failure streak: its first failure is shown again.
    this.register(links.onDidChangeSession(() => (this.failureShown = false)));
  }

  mentions(uri: vscode.Uri): readonly LinkedMention[] {
    return this.states.get(uri.toString())?.mentions ?? [];
  }

  isTracked(uri: vscode.Uri): boolean {
    return this.states.has(uri.toString());
  }

  /** Starts tracking a document and links it now. */
  track(document: vscode.TextDocument): void {
    const key = document.uri.toString();
    if (!this.states.has(key)) this.states.set(key, { mentions: [], linkedVersion: -1, timer: undefined, running: undefined, idleWaiters: [] });
    this.schedule(document, 0);
  }

  /** Follows an edit: shifts the last result at once, re-links after the debounce. */
  onEdit(event: vscode.TextDocumentChangeEvent): void {
    const state = this.states.get(event.document.uri.toString());
    if (state === undefined || event.contentChanges.length === 0) return;
    state.mentions = shiftPredictions(state.mentions, event.contentChanges);
    this.emitter.fire(event.document.uri);
    this.schedule(event.document, this.debounceMs());
  }

  untrack(uri: vscode.Uri): void {
    const key = uri.toString();
    const state = this.states.get(key);
    if (state === undefined) return;
    this.cancel(state);
    this.states.delete(key);
    this.links.forget(key);
    this.resolveIdle(state);
    this.emitter.fire(uri);
  }

  /** Links every tracked document again from scratch (the session or top-k changed). */
  relinkAll(): void {
    for (const document of vscode.workspace.textDocuments) {
      const key = document.uri.toString();
      const state = this.states.get(key);
      if (state === undefined) continue;
      this.links.forget(key);
      state.linkedVersion = -1;
      this.schedule(document, 0);
    }
  }

  /** Resolves once the document has no pending or running link (tests and benchmarks wait on it). */
  whenIdle(uri: vscode.Uri): Promise<void> {
    const state = this.states.get(uri.toString());
    if (state === undefined || (state.timer === undefined && state.running === undefined)) return Promise.resolve();
    return new Promise((resolve) => state.idleWaiters.push(resolve));
  }

  override dispose(): void {
    for (const state of this.states.values()) {
      this.cancel(state);
      this.resolveIdle(state);
    }
    this.states.clear();
    super.dispose();
  }

  private schedule(document: vscode.TextDocument, delayMs: number): void {
    const state = this.states.get(document.uri.toString());
    if (state === undefined) return;
    this.cancel(state);
    state.timer = setTimeout(() => {
      state.timer = undefined;
      void this.run(document, state);
    }, delayMs);
  }

  private cancel(state: DocumentLinkState): void {
    if (state.timer !== undefined) clearTimeout(state.timer);
    state.timer = undefined;
    state.running?.abort();
    state.running = undefined;
  }

  private async run(document: vscode.TextDocument, state: DocumentLinkState): Promise<void> {
    if (document.isClosed) return this.untrack(document.uri);
    const version = document.version;
    const controller = new AbortController();
    state.running = controller;
    const started = performance.now();
    try {
      const mentions = await this.links.linkDocument(document.uri.toString(), document.getText(), controller.signal, this.contextOf?.(document.uri));
      // An edit that arrived meanwhile scheduled a new run; this result describes an older text.
      if (controller.signal.aborted || document.version !== version) return;
      state.mentions = mentions;
      state.linkedVersion = version;
      this.failureShown = false;
      this.logger.debug(`Linked ${document.uri.fsPath} v${version}: ${mentions.length} mentions in ${(performance.now() - started).toFixed(0)} ms.`);
      this.emitter.fire(document.uri);
    } catch (e) {
      if (LinkerError.is(e, 'cancelled') || controller.signal.aborted) return;
      // Predictions of an earlier session (another KB, another model) must not stay decorated.
      if (state.mentions.length > 0) {
        state.mentions = [];
        state.linkedVersion = -1;
        this.emitter.fire(document.uri);
      }
      // A session that failed to load was reported by the link service, naming the KB or model.
      if (this.links.state === 'failed') return;
      this.logger.error(e instanceof Error ? e : new Error(String(e)));
      // One message per failure streak, not one per keystroke.
      if (!this.failureShown) {
        this.failureShown = true;
        this.onFailure(e);
      }
    } finally {
      if (state.running === controller) {
        state.running = undefined;
        if (state.timer === undefined) this.resolveIdle(state);
      }
    }
  }

  private resolveIdle(state: DocumentLinkState): void {
    for (const resolve of state.idleWaiters.splice(0)) resolve();
  }
}
