import type { SessionInfo } from '../../core/worker/linkerProtocol';
import type { MentionStatus, MentionStyle } from '../linking/editorMention';
import type { DecoratedRange } from './mentionDecorations';

/** A mention as tests read it. */
export interface TestMention {
  readonly start: number;
  readonly end: number;
  readonly text: string;
  readonly status: MentionStatus;
  readonly style: MentionStyle;
  readonly kbId: string | undefined;
  readonly anchored: boolean;
  readonly annotationId: string | undefined;
}

export interface EventLoopDelay {
  readonly wallMs: number;
  readonly meanMs: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

/**
 * Returned by activate() for integration tests and benchmarks. Decorations cannot be read through the VS
 * Code API, so this reports what was drawn; nothing here changes state.
 */
export interface EditorTestApi {
  /** Resolves once the open document has been linked (no pending or running run) and redrawn. */
  whenLinked(uri: string): Promise<void>;
  mentions(uri: string): TestMention[];
  decorations(uri: string): DecoratedRange[];
  annotationFile(uri: string): string | undefined;
  linkerThread(): 'worker' | 'main-thread' | undefined;
  session(): SessionInfo | undefined;
  /** The extension host's event-loop delay (perf_hooks.monitorEventLoopDelay) while `during` runs. */
  eventLoopDelay(during: () => Promise<unknown>): Promise<EventLoopDelay>;
  /** Links the open document from scratch (no cached paragraphs) and times the round trip. */
  linkTimed(uri: string): Promise<{ ms: number; mentions: number }>;
}
