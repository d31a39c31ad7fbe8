import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import { type HostMessage, type HostMethod, type HostRequestMap, isWebviewMessage, type ViewKind, type WebviewRequest } from '../../shared/protocol';
import { Disposable } from '../disposable';

export interface RenderedEvent {
  readonly view: ViewKind;
  readonly rows: number;
  readonly ms: number;
  readonly candidateIds: readonly string[];
}

const REQUEST_TIMEOUT_MS = 15_000;

/**
 * The host end of one panel's protocol: holds messages until the webview says `ready` (again after the
 * webview was rebuilt, e.g. shown after being hidden), drops anything that fails the type guard, answers the
 * webview's requests through `handler` (one response per id, errors as text), and correlates the host's own
 * requests by id with a timeout.
 */
export class PanelChannel extends Disposable {
  private ready = false;
  private queue: HostMessage[] = [];
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly rendered = this.register(new vscode.EventEmitter<RenderedEvent>());
  private readonly readyEmitter = this.register(new vscode.EventEmitter<void>());
  /** After each render in the webview. */
  readonly onDidRender = this.rendered.event;
  /** Each time the webview (re)starts and asks for its content. */
  readonly onDidBecomeReady = this.readyEmitter.event;

  constructor(
    private readonly webview: vscode.Webview,
    private readonly handler: (request: WebviewRequest) => Promise<unknown>,
    private readonly logger: Logger,
  ) {
    super();
    this.register(webview.onDidReceiveMessage((m: unknown) => this.receive(m)));
  }

  get isReady(): boolean {
    return this.ready;
  }

  /** The webview is being rebuilt (hidden, or the HTML was set again): hold messages until it is ready. */
  reset(): void {
    this.ready = false;
    this.failPending('the webview was reloaded');
  }

  post(message: HostMessage): void {
    if (!this.ready) {
      // Only the latest view matters to a webview that has not started yet.
      if (message.type === 'show') this.queue = this.queue.filter((m) => m.type !== 'show' && m.type !== 'busy');
      this.queue.push(message);
      return;
    }
    void this.webview.postMessage(message).then(undefined, (e: unknown) => this.logger.warn(`panel: a message was not delivered (${String(e)}).`));
  }

  request<M extends HostMethod>(method: M, params: HostRequestMap[M]['params']): Promise<HostRequestMap[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`the panel did not answer "${method}" within ${REQUEST_TIMEOUT_MS / 1000} s.`));
      }, REQUEST_TIMEOUT_MS);
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, timer });
      this.post({ type: 'request', id, request: { method, params } as never });
    });
  }

  override dispose(): void {
    this.failPending('the panel was closed');
    super.dispose();
  }

  private failPending(why: string): void {
    for (const [id, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(why));
      this.pending.delete(id);
    }
  }

  private receive(raw: unknown): void {
    if (!isWebviewMessage(raw)) {
      this.logger.warn(`panel: ignored a malformed message from the webview: ${safePreview(raw)}`);
      return;
    }
    switch (raw.type) {
      case 'ready': {
        this.ready = true;
        const queued = this.queue;
        this.queue = [];
        for (const m of queued) this.post(m);
        this.readyEmitter.fire();
        return;
      }
      case 'request':
        this.handler(raw.request).then(
          (result) => this.post({ type: 'response', id: raw.id, ok: true, result: result ?? null }),
          (e: unknown) => {
            const message = e instanceof Error ? e.message : String(e);
            this.logger.warn(`panel: ${raw.request.method} failed: ${message}`);
            this.post({ type: 'response', id: raw.id, ok: false, error: message });
          },
        );
        return;
      case 'response': {
        const p = this.pending.get(raw.id);
        if (p === undefined) return;
        this.pending.delete(raw.id);
        clearTimeout(p.timer);
        if (raw.ok) p.resolve(raw.result);
        else p.reject(new Error(raw.error));
        return;
      }
      case 'rendered':
        this.logger.debug(`panel: ${raw.view} view rendered ${raw.rows} rows in ${raw.ms.toFixed(1)} ms.`);
        this.rendered.fire({ view: raw.view, rows: raw.rows, ms: raw.ms, candidateIds: raw.candidateIds });
        return;
    }
  }
}

function safePreview(v: unknown): string {
  try {
    return (JSON.stringify(v) ?? String(v)).slice(0, 200);
  } catch {
    return typeof v;
  }
}
