import type { EntityHit } from '../../core/worker/linkerProtocol';

/**
 * The live KB search of a Quick Pick, shared by Choose Candidate (candidatePicker.ts) and Curate Disagreements
 * (curationPicker.ts): each typed query searches the whole KB by title and alias in the linker worker (so typing
 * stays responsive), a newer query aborts the one in flight, and an emptied box shows the picker's own items
 * again. No `vscode` import: the picker is taken structurally, so the behaviour is unit-tested.
 */

/** The parts of a Quick Pick the search drives. */
export interface SearchablePicker<T> {
  items: readonly T[];
  busy: boolean;
  onDidChangeValue(listener: (value: string) => unknown): { dispose(): unknown };
}

/** The KB search itself (LinkService.searchKb). */
export type KbSearch = (query: string, limit: number, signal: AbortSignal) => Promise<readonly EntityHit[]>;

export interface LiveKbSearchOptions<T> {
  /** The items with nothing typed. */
  readonly idle: () => readonly T[];
  /** The items for a query's hits (the picker's own items that still match, a separator, the hits). */
  readonly withHits: (hits: readonly EntityHit[], query: string) => readonly T[];
  /** A search that failed (not one that was superseded). */
  readonly onError?: (error: unknown, query: string) => void;
  /** Hits asked for per query. */
  readonly limit?: number;
}

export const KB_SEARCH_LIMIT = 30;

/** Wires the search to the picker; dispose stops listening and aborts the search in flight. */
export function attachLiveKbSearch<T>(picker: SearchablePicker<T>, search: KbSearch, o: LiveKbSearchOptions<T>): { dispose(): void } {
  let inFlight: AbortController | undefined;
  const listener = picker.onDidChangeValue((value) => {
    inFlight?.abort();
    const query = value.trim();
    if (query === '') {
      inFlight = undefined;
      picker.items = o.idle();
      picker.busy = false;
      return;
    }
    const controller = new AbortController();
    inFlight = controller;
    picker.busy = true;
    search(query, o.limit ?? KB_SEARCH_LIMIT, controller.signal).then(
      (hits) => {
        if (controller.signal.aborted) return;
        picker.items = o.withHits(hits, query);
        picker.busy = false;
      },
      (e: unknown) => {
        if (controller.signal.aborted) return;
        picker.busy = false;
        o.onError?.(e, query);
      },
    );
  });
  return {
    dispose: () => {
      inFlight?.abort();
      listener.dispose();
    },
  };
}
