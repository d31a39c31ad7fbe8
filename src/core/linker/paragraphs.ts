import type { LinkedMention } from './types';

/**
 * Paragraphs are the unit of incremental re-linking. Detection runs per paragraph and mention contexts never
 * cross a blank line (textTemplates.ts), so a mention's result depends only on its own paragraph: an
 * unchanged paragraph keeps its results, shifted by the length change before it.
 */
export type Range = readonly [start: number, end: number];

const BLANK_LINE = /\n[ \t\r]*\n/g;

/** [start, end) of each paragraph (text between blank lines), in order; empty text gives one empty range. */
export function paragraphRanges(text: string): Range[] {
  const out: Range[] = [];
  let start = 0;
  for (const m of text.matchAll(BLANK_LINE)) {
    const idx = m.index ?? 0;
    out.push([start, idx]);
    start = idx + m[0].length;
  }
  out.push([start, text.length]);
  return out;
}

export interface ChangedRegion {
  /** Start of the first changed paragraph (same offset in the old and the new text). */
  readonly from: number;
  /** End of the last changed paragraph in the new text. */
  readonly toNew: number;
  /** The same point in the old text. */
  readonly toOld: number;
}

/**
 * The smallest run of whole paragraphs of `newText` that covers every difference from `oldText`; undefined
 * when the texts are equal. Found from the common prefix and suffix, then widened to paragraph bounds.
 */
export function changedRegion(oldText: string, newText: string): ChangedRegion | undefined {
  if (oldText === newText) return undefined;
  const max = Math.min(oldText.length, newText.length);
  let p = 0;
  while (p < max && oldText.charCodeAt(p) === newText.charCodeAt(p)) p++;
  let s = 0;
  while (s < max - p && oldText.charCodeAt(oldText.length - 1 - s) === newText.charCodeAt(newText.length - 1 - s)) s++;
  const paras = paragraphRanges(newText);
  const editEnd = newText.length - s;
  let from = 0;
  let toNew = newText.length;
  // The paragraph that holds (or directly follows) the first changed character...
  for (const [a] of paras) if (a <= p) from = a;
  // ...and the one that holds the last. A first changed character inside a blank line widens to the paragraph
  // before it, since `a <= p` also holds there.
  for (let i = paras.length - 1; i >= 0; i--) {
    if (paras[i][1] >= editEnd) toNew = paras[i][1];
  }
  const toOld = toNew - (newText.length - oldText.length);
  return { from, toNew, toOld };
}

/** Moves a mention by `delta` characters (for paragraphs after an edit). */
export function shiftMention(m: LinkedMention, delta: number): LinkedMention {
  return delta === 0 ? m : { ...m, start: m.start + delta, end: m.end + delta };
}
