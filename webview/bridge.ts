import { type HostMessage, isHostMessage, type TableSnapshot, type ViewData, type ViewKind, type WebviewMessage, type WebviewMethod, type WebviewRequest, type WebviewRequestMap } from '../src/shared/protocol';
import type { VsCodeApi } from './vscodeApi';

export interface BridgeHandlers {
  show(data: ViewData): void;
  busy(message: string, done?: number, total?: number): void;
  error(message: string): void;
  /** Answers the host's `table` request. */
  table(): TableSnapshot;
}

/**
 * The webview end of the protocol: says `ready` once listening, checks every message from the host with the
 * type guard, and matches its own requests to the host's responses by id.
 */
export class Bridge {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  constructor(private readonly api: VsCodeApi, private readonly handlers: BridgeHandlers) {}

  start(): void {
    window.addEventListener('message', (event: MessageEvent<unknown>) => this.receive(event.data));
    this.send({ type: 'ready' });
  }

  request<M extends WebviewMethod>(method: M, params: WebviewRequestMap[M]['params']): Promise<WebviewRequestMap[M]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
      this.send({ type: 'request', id, request: { method, params } as WebviewRequest });
    });
  }

  rendered(view: ViewKind, rows: number, ms: number, candidateIds: readonly string[]): void {
    this.send({ type: 'rendered', view, rows, ms, candidateIds });
  }

  private send(message: WebviewMessage): void {
    this.api.postMessage(message);
  }

  private receive(raw: unknown): void {
    // Anything else posted to this window (or a malformed message) is dropped unread.
    if (!isHostMessage(raw)) return;
    const m: HostMessage = raw;
    switch (m.type) {
      case 'show':
        this.handlers.show(m.data);
        return;
      case 'busy':
        this.handlers.busy(m.message, m.done, m.total);
        return;
      case 'error':
        this.handlers.error(m.message);
        return;
      case 'request':
        try {
          this.send({ type: 'response', id: m.id, ok: true, result: this.handlers.table() });
        } catch (e) {
          this.send({ type: 'response', id: m.id, ok: false, error: e instanceof Error ? e.message : String(e) });
        }
        return;
      case 'response': {
        const p = this.pending.get(m.id);
        if (p === undefined) return;
        this.pending.delete(m.id);
        if (m.ok) p.resolve(m.result);
        else p.reject(new Error(m.error));
        return;
      }
    }
  }
}
