import type { CorpusReport, EntityRecordData, MentionRefData, MentionViewData } from './panelModel';

/**
 * The message protocol between the panels' host side (src/host/panels) and their webview (webview/). One
 * discriminated union per direction; requests carry an id and are answered by exactly one `response` with the
 * same id; the webview announces `ready` once its script runs, and the host queues everything until then.
 * Each side checks every incoming message with the guards below before acting on it.
 */

/** Which view a panel shows; also what a restored panel needs to show it again. */
export type ViewKind = 'mention' | 'corpus';

/** What the webview keeps across reloads (getState/setState), and what the panel serializer reads back. */
export interface PanelState {
  readonly view: ViewKind;
  /** The mention a mention view shows. */
  readonly ref?: MentionRefData;
  /** UI state of the corpus view: tab, filter and page of its mentions table. */
  readonly ui?: { readonly tab?: string; readonly filter?: string; readonly page?: number };
}

// ---------------------------------------------------------------------------------------------------------
// Requests the webview sends (answered by the host): method -> params and result.

export interface WebviewRequestMap {
  /** The full KB record of an entity (null: not in the KB). */
  entity: { params: { readonly id: string }; result: EntityRecordData | null };
  relabel: { params: { readonly ref: MentionRefData; readonly kbId: string }; result: null };
  markNil: { params: { readonly ref: MentionRefData }; result: null };
  declareDuplicate: { params: { readonly ref: MentionRefData; readonly entityId: string }; result: null };
  /** Shows the mention in its editor. */
  reveal: { params: { readonly ref: MentionRefData }; result: null };
  /** Opens the mention view for a mention (from a corpus row). */
  openMention: { params: { readonly ref: MentionRefData }; result: null };
  /** Recomputes the view. */
  refresh: { params: Record<string, never>; result: null };
  /** Starts Curate Disagreements (from the corpus view's agreement tab). */
  curate: { params: Record<string, never>; result: null };
}

export type WebviewMethod = keyof WebviewRequestMap;

export type WebviewRequest = { [M in WebviewMethod]: { readonly method: M; readonly params: WebviewRequestMap[M]['params'] } }[WebviewMethod];

/** Requests the host sends (answered by the webview). */
export interface HostRequestMap {
  /** The table the webview shows now, as text cells (sorted and filtered as shown): "Copy Table". */
  table: { params: Record<string, never>; result: TableSnapshot };
}

export type HostMethod = keyof HostRequestMap;

export type HostRequest = { [M in HostMethod]: { readonly method: M; readonly params: HostRequestMap[M]['params'] } }[HostMethod];

export interface TableSnapshot {
  readonly view: ViewKind;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

export type ResponseMessage = { readonly type: 'response'; readonly id: number; readonly ok: true; readonly result: unknown } | { readonly type: 'response'; readonly id: number; readonly ok: false; readonly error: string };

// ---------------------------------------------------------------------------------------------------------
// Webview -> host

export type WebviewMessage =
  | { readonly type: 'ready' }
  | { readonly type: 'request'; readonly id: number; readonly request: WebviewRequest }
  | ResponseMessage
  /** Sent after each render, with what it showed and how long it took (logged; tests wait on it). */
  | { readonly type: 'rendered'; readonly view: ViewKind; readonly rows: number; readonly ms: number; readonly candidateIds: readonly string[] };

// ---------------------------------------------------------------------------------------------------------
// Host -> webview

export type ViewData =
  | { readonly view: 'mention'; readonly data: MentionViewData }
  | { readonly view: 'corpus'; readonly data: CorpusReport }
  /** Nothing to show (no mention, no backend): a message saying why and what to do. */
  | { readonly view: 'empty'; readonly title: string; readonly message: string };

export type HostMessage =
  | { readonly type: 'show'; readonly data: ViewData }
  | { readonly type: 'busy'; readonly message: string; readonly done?: number; readonly total?: number }
  | { readonly type: 'error'; readonly message: string }
  | { readonly type: 'request'; readonly id: number; readonly request: HostRequest }
  | ResponseMessage;

// ---------------------------------------------------------------------------------------------------------
// Guards: the other side is another process (and the webview renders untrusted KB text), so nothing is
// trusted by its static type.

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function isId(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

function isOffset(v: unknown): v is number {
  return typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
}

export function isMentionRef(v: unknown): v is MentionRefData {
  return isObject(v) && typeof v['uri'] === 'string' && v['uri'] !== '' && isOffset(v['start']) && isOffset(v['end']) && (v['end'] as number) >= (v['start'] as number) && (v['annotationId'] === undefined || typeof v['annotationId'] === 'string');
}

function isNonEmptyString(v: unknown): v is string {
  return typeof v === 'string' && v.length > 0 && v.length <= 10_000;
}

export function isWebviewRequest(v: unknown): v is WebviewRequest {
  if (!isObject(v) || !isObject(v['params'])) return false;
  const p = v['params'];
  switch (v['method']) {
    case 'entity':
      return isNonEmptyString(p['id']);
    case 'relabel':
      return isMentionRef(p['ref']) && isNonEmptyString(p['kbId']);
    case 'markNil':
    case 'reveal':
    case 'openMention':
      return isMentionRef(p['ref']);
    case 'declareDuplicate':
      return isMentionRef(p['ref']) && isNonEmptyString(p['entityId']);
    case 'refresh':
    case 'curate':
      return Object.keys(p).length === 0;
    default:
      return false;
  }
}

function isResponse(v: Record<string, unknown>): boolean {
  return v['type'] === 'response' && isId(v['id']) && (v['ok'] === true ? 'result' in v : v['ok'] === false && typeof v['error'] === 'string');
}

const VIEW_KINDS: readonly string[] = ['mention', 'corpus'];

export function isWebviewMessage(v: unknown): v is WebviewMessage {
  if (!isObject(v)) return false;
  switch (v['type']) {
    case 'ready':
      return true;
    case 'request':
      return isId(v['id']) && isWebviewRequest(v['request']);
    case 'response':
      return isResponse(v);
    case 'rendered':
      return VIEW_KINDS.includes(v['view'] as string) && isOffset(v['rows']) && typeof v['ms'] === 'number' && Number.isFinite(v['ms']) && Array.isArray(v['candidateIds']) && v['candidateIds'].every((c) => typeof c === 'string');
    default:
      return false;
  }
}

function isViewData(v: unknown): v is ViewData {
  if (!isObject(v)) return false;
  switch (v['view']) {
    case 'mention': {
      const d = v['data'];
      return isObject(d) && isMentionRef(d['ref']) && typeof d['text'] === 'string' && typeof d['before'] === 'string' && typeof d['after'] === 'string' && Array.isArray(d['negatives']) && Array.isArray(d['duplicateIds']);
    }
    case 'corpus': {
      const d = v['data'];
      return isObject(d) && typeof d['total'] === 'number' && Array.isArray(d['mentions']) && Array.isArray(d['documents']) && Array.isArray(d['recallAtK']) && isObject(d['margins']);
    }
    case 'empty':
      return typeof v['title'] === 'string' && typeof v['message'] === 'string';
    default:
      return false;
  }
}

export function isHostMessage(v: unknown): v is HostMessage {
  if (!isObject(v)) return false;
  switch (v['type']) {
    case 'show':
      return isViewData(v['data']);
    case 'busy':
      return typeof v['message'] === 'string' && (v['done'] === undefined || typeof v['done'] === 'number') && (v['total'] === undefined || typeof v['total'] === 'number');
    case 'error':
      return typeof v['message'] === 'string';
    case 'request':
      return isId(v['id']) && isObject(v['request']) && v['request']['method'] === 'table' && isObject(v['request']['params']);
    case 'response':
      return isResponse(v);
    default:
      return false;
  }
}

export function isPanelState(v: unknown): v is PanelState {
  if (!isObject(v) || !VIEW_KINDS.includes(v['view'] as string)) return false;
  if (v['view'] === 'mention' && !isMentionRef(v['ref'])) return false;
  return v['ui'] === undefined || isObject(v['ui']);
}
