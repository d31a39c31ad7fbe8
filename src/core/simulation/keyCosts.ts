import type { Span } from '../linker/types';
import { nameAtCaret, possibleSteps } from './possibleMentions';

/**
 * What each editor command costs at the keyboard, as package.json binds it (one chord each):
 * Next Unresolved Mention Ctrl+Alt+] (it crosses to the next document of the annotation queue when the
 * document has no open mention left), Accept Top Candidate Ctrl+Alt+Enter, Choose Candidate Ctrl+Alt+Space,
 * Mark NIL Ctrl+Alt+N, Reject Ctrl+Alt+Backspace, Link Selection Ctrl+Alt+L, Next / Previous Possible Mention
 * Ctrl+Alt+' / Ctrl+Alt+; (select the next word or name no mention covers). With auto-advance (the
 * default) accept, choose, NIL and reject move to the next open mention, and from a document's last one to the
 * next document of the queue; Link Selection to the document's next open mention: those moves cost nothing.
 * Link Selection accepts a top candidate of at least entityLinker.annotation.linkSelectionAcceptAbove at once (no
 * picker key); a wrong one is corrected with Undo Annotation Action Ctrl+Alt+Z, Choose Candidate and the picker.
 * Accept All Above Threshold has no default key; it counts as one (a user binding or the palette's recent
 * list). Inside the picker an arrow press or Enter is one key, and every typed character one.
 */
export const KEY = {
  next: 1,
  accept: 1,
  choose: 1,
  nil: 1,
  reject: 1,
  linkSelection: 1,
  acceptAll: 1,
  /** Ctrl+Home: to the document start before the pass over missed mentions. */
  documentStart: 1,
  /**
   * Reaching another document: Next Unresolved when the document has no open mention left (it opens the next
   * document of the queue), or, in uncertainty order across the corpus, to another document's mention: one chord.
   */
  documentSwitch: 1,
  /** Ctrl+Tab: back to the document just left (a mention it lost after its last decision). */
  previousEditor: 1,
  /** Next or Previous Possible Mention. */
  possible: 1,
  /** Picker: Enter accepts the highlighted item. */
  enter: 1,
  /** Undo Annotation Action Ctrl+Alt+Z (it reveals what it undid): to correct what Link Selection accepted at once. */
  undo: 1,
  /**
   * Reject Remaining (EditorFlow.rejectRemaining; Ctrl+Alt+Shift+Backspace): rejects the open mention at
   * the cursor and every open one after it in the document, and moves on like the last decision of the document.
   */
  rejectRemaining: 1,
  /**
   * Accept Remaining (EditorFlow.acceptRemaining; Ctrl+Alt+Shift+Enter): accepts the top candidate of the open
   * mention at the cursor and of every open one after it in the document, and moves on like the last decision.
   */
  acceptRemaining: 1,
} as const;

/**
 * What a detection decision costs, for choosing the mention scorer's operating point:
 * - a detected gold mention with the right top candidate: Accept (1);
 * - a detection that is no mention (or names nothing in the KB): Reject or Mark NIL (1);
 * - a gold mention not detected: 5, the fewest keys before Next / Previous Possible Mention (Find with one typed
 *   letter: Ctrl+F, the letter, Escape: 3; Link Selection 1; Enter on the picker's first row 1). With Possible
 *   Mention the fewest is 3 (one press, Link Selection, Enter: operating point 1/3), and simulate measured that
 *   point better on the train and the eval files (docs/BENCHMARKS.md, session 5 flow); it is not switched here
 *   because the detection conventions are being tuned at 0.2 (see /work/notes/flow-api.md).
 */
export const DETECTION_KEYS = {
  hit: KEY.accept,
  falseAlarm: KEY.reject,
  miss: 5,
} as const;

/**
 * The mention probability above which proposing a span saves keys in expectation: propose when
 * p * (miss - hit) > (1 - p) * falseAlarm, i.e. p > falseAlarm / (falseAlarm + miss - hit) (0.2 with the
 * keys above). The mention scorer's threshold for learning online (a missed mention costs several keys, a
 * false one a single reject, so the F1-best threshold proposes too little).
 */
export function detectionOperatingPoint(keys: { readonly hit: number; readonly falseAlarm: number; readonly miss: number } = DETECTION_KEYS): number {
  return keys.falseAlarm / (keys.falseAlarm + keys.miss - keys.hit);
}

/**
 * Word stops of VS Code's Ctrl+Right / Ctrl+Shift+Right: a run of letters and digits is a word, and so is a
 * run of other non-space characters (punctuation), as with the default editor.wordSeparators.
 */
const WORD = /[\p{L}\p{N}_'’]+|[^\s\p{L}\p{N}_'’]+/gu;

export function wordSpans(text: string): [number, number][] {
  return [...text.matchAll(WORD)].map((m) => [m.index, m.index + m[0].length]);
}

/**
 * Keys to reach `start` with Find: Ctrl+F, the first k characters of the mention, Enter for each match of them
 * between the cursor and the mention (Find is case-insensitive, starts at the cursor and wraps), Escape (the
 * typed part stays selected). The cheapest k; returns the keys and k.
 */
function findKeys(text: string, cursor: number, start: number, end: number): { keys: number; typed: number } {
  const lower = text.toLowerCase();
  let best = { keys: Infinity, typed: end - start };
  for (let k = 1; k <= end - start && 2 + k < best.keys; k++) {
    const needle = lower.slice(start, start + k);
    let hops = 0;
    // Matches from the cursor on, then from the top: those met before the mention each cost an Enter.
    for (let at = lower.indexOf(needle, cursor); at >= 0 && at !== start; at = lower.indexOf(needle, at + 1)) hops++;
    if (cursor > start) for (let at = lower.indexOf(needle); at >= 0 && at < start; at = lower.indexOf(needle, at + 1)) hops++;
    if (2 + k + hops < best.keys) best = { keys: 2 + k + hops, typed: k };
  }
  return best;
}

/** Ctrl+Shift+Right presses from `from` until the selection ends at `end`, plus Shift+Left for a word it overshoots. */
export function extendKeys(words: readonly [number, number][], from: number, end: number): number {
  const straddling = words.find(([s, e]) => s < end && e > end && e > from);
  return words.filter(([, e]) => e > from && e <= end).length + (straddling === undefined ? 0 : 1 + straddling[1] - end);
}

/**
 * Keys to turn the selection [from, to) into [start, end) when both start at the same place (the editor reveals a
 * mention selected with the cursor at its end): Ctrl+Shift+Right to a longer end, Ctrl+Shift+Left back to a
 * shorter one; Infinity otherwise.
 */
export function resizeKeys(text: string, from: number, to: number, start: number, end: number): number {
  if (from !== start || from === to) return Infinity;
  if (end === to) return 0;
  return end > to ? extendKeys(wordSpans(text), to, end) : shrinkKeys(text, wordSpans(text), to, end);
}

/**
 * Keys a keyboard user needs to move the cursor from `cursor` to a mention and select it, as Link Selection
 * needs (the command trims white space around a selection), the cheaper of:
 * - by words: Ctrl+Right (cursorWordEndRight on Linux and Windows) to the end of the word before the mention,
 *   or Ctrl+Left to its start when it lies behind the cursor, then one Ctrl+Shift+Right per word of the mention;
 * - by Find: Ctrl+F, the mention's first characters, Enter past earlier matches, Escape (the typed part stays
 *   selected), then Ctrl+Shift+Right to the mention's end.
 */
export function selectionKeys(text: string, cursor: number, start: number, end: number): number {
  const words = wordSpans(text);
  let moves: number;
  let from: number;
  if (cursor <= start) {
    // Stops are word ends; the last one at or before `start` is where the selection begins.
    const stops = words.map(([, e]) => e).filter((e) => e > cursor && e <= start);
    moves = stops.length;
    from = stops.length > 0 ? stops[stops.length - 1] : cursor;
  } else {
    moves = words.filter(([s]) => s >= start && s < cursor).length;
    from = start;
  }
  const byWords = moves + extendKeys(words, from, end);
  const found = findKeys(text, cursor, start, end);
  return Math.min(byWords, found.keys + extendKeys(words, start + found.typed, end));
}

/**
 * Keys to put the cursor on a mention (to act on a wrong acceptance): Ctrl+Right to the end of its first word
 * (or Ctrl+Left back to its start), or Find; none when the cursor is on it already.
 */
export function cursorKeys(text: string, cursor: number, start: number, end: number): number {
  if (cursor >= start && cursor <= end) return 0;
  const words = wordSpans(text);
  const moves = cursor < start ? words.filter(([, e]) => e > cursor && e <= start).length + 1 : words.filter(([s]) => s >= start && s < cursor).length;
  return Math.min(moves, findKeys(text, cursor, start, end).keys);
}

/**
 * Keys to select [start, end) with Next / Previous Possible Mention from the selection [from, to): the presses
 * (the cheaper direction) until the possible mention starting at `start` is selected, then Ctrl+Shift+Right to
 * `end` when the mention is longer, or Ctrl+Shift+Left back to it when shorter. Infinity when no possible mention
 * starts there.
 */
export function possibleKeys(text: string, spans: readonly Span[], from: number, to: number, start: number, end: number): number {
  const steps = possibleSteps(spans, from, to, start);
  if (steps === undefined) return Infinity;
  const words = wordSpans(text);
  if (steps.span.end <= end) return steps.presses * KEY.possible + (steps.span.end === end ? 0 : extendKeys(words, steps.span.end, end));
  return steps.presses * KEY.possible + shrinkKeys(text, words, steps.span.end, end);
}

/**
 * Ctrl+Shift+Left presses that shrink a selection ending at `from` (its active end) back to `end`: each moves
 * the end to the previous word start, and Link Selection trims the white space before it. Infinity when the
 * word start it would stop at is not only white space away from `end` ("Turin, Rita").
 */
export function shrinkKeys(text: string, words: readonly [number, number][], from: number, end: number): number {
  const starts = words.map(([s]) => s).filter((s) => s >= end && s < from);
  if (starts.length === 0 || text.slice(end, starts[0]).trim() !== '') return Infinity;
  return starts.length;
}

/**
 * Keys to put the caret on a missed mention for Link Selection without a selection (EditorFlow.linkAtCaret): the
 * name at the caret (possibleMentions.ts nameAtCaret) must be the mention; Ctrl+Right to the end of its first word,
 * or Ctrl+Left back to its start; none when the caret is in it already. Infinity when the name at the caret is
 * another span ("Southampton" inside "Mayor of Southampton").
 */
export function caretKeys(text: string, cursor: number, start: number, end: number): number {
  const words = wordSpans(text);
  const first = words.find(([s, e]) => s >= start && e <= end);
  if (first === undefined) return Infinity;
  const name = nameAtCaret(text, first[0]);
  if (name === undefined || name.start !== start || name.end !== end) return Infinity;
  if (cursor >= first[0] && cursor <= first[1]) return 0;
  if (cursor < first[0]) return words.filter(([, e]) => e > cursor && e <= first[1]).length;
  return words.filter(([s]) => s >= first[0] && s < cursor).length;
}
