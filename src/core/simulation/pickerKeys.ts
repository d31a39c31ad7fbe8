import { KEY } from './keyCosts';
import type { SimulationLinker } from './simulationTypes';

export interface PickerChoice {
  /** Keys inside the picker (arrows, typed characters, Enter); the key that opened it is not included. */
  readonly keys: number;
  readonly via: 'ranked' | 'search' | 'unreachable';
}

/**
 * The ranked candidate Choose Candidate highlights when its picker opens: the second, since the annotator who wanted
 * the first would have pressed Accept (with one candidate, that one).
 */
export const CHOOSE_HIGHLIGHTS = 1;

export interface PickerSettings {
  readonly visibleRows: number;
  readonly searchLimit: number;
}

/**
 * Keys to choose one of `goldIds` in the candidate picker (src/host/editor/candidatePicker.ts), the cheaper of:
 * - arrows: the ranked candidates are listed first, the one at rank `highlighted` highlighted (Choose Candidate
 *   highlights the second, CHOOSE_HIGHLIGHTS: the first is what Accept takes; Link Selection the first): the arrow
 *   presses from it to the gold one's rank + Enter;
 * - typing the entity's title: after each character the picker lists the ranked candidates whose label or id
 *   contains the query, then the KB search hits; typing stops once a gold entity is among the first
 *   `visibleRows` rows, then arrows to it + Enter.
 * A gold entity neither ranked nor found by typing its whole title is unreachable; it is charged the whole
 * title typed + Enter (the annotator tried).
 */
export function pickerKeys(ranked: readonly { readonly id: string; readonly title: string }[], goldIds: readonly string[], linker: Pick<SimulationLinker, 'searchKb' | 'titleOf'>, settings: PickerSettings, highlighted = 0): PickerChoice {
  const gold = new Set(goldIds);
  const rank = ranked.findIndex((c) => gold.has(c.id));
  const byArrows = rank < 0 ? Infinity : Math.abs(rank - Math.min(highlighted, ranked.length - 1)) + KEY.enter;
  // Typing costs at least one character and Enter: it cannot beat two keys by arrows.
  if (byArrows <= 2) return { keys: byArrows, via: 'ranked' };
  let bySearch = Infinity;
  let longestTitle = 0;
  for (const id of goldIds) {
    const title = linker.titleOf(id);
    if (title === undefined) continue;
    longestTitle = Math.max(longestTitle, title.length);
    for (let n = 1; n <= title.length && n + KEY.enter < Math.min(bySearch, byArrows); n++) {
      const query = title.slice(0, n).trim();
      if (query === '') continue;
      const row = visibleRow(ranked, query, linker.searchKb(query, settings.searchLimit), gold);
      if (row >= 0 && row < settings.visibleRows) {
        bySearch = Math.min(bySearch, n + row + KEY.enter);
        break;
      }
    }
  }
  if (bySearch < byArrows) return { keys: bySearch, via: 'search' };
  if (byArrows < Infinity) return { keys: byArrows, via: 'ranked' };
  return { keys: longestTitle + KEY.enter, via: 'unreachable' };
}

/** The row of the first gold entity in the picker's list for a typed query, or -1. */
function visibleRow(ranked: readonly { readonly id: string; readonly title: string }[], query: string, hits: readonly string[], gold: ReadonlySet<string>): number {
  const q = query.toLowerCase();
  // As the picker filters its ranked items: label "N. Title" or the id contains the query.
  const rows = [...ranked.filter((c, i) => `${i + 1}. ${c.title}`.toLowerCase().includes(q) || c.id.toLowerCase().includes(q)).map((c) => c.id), ...hits];
  return rows.findIndex((id) => gold.has(id));
}
