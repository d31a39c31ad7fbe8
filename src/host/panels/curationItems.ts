import { NIL_VALUE, type AnnotatorLabel, type Disagreement } from '../../core/agreement/teamLabels';
import type { CuratedChoice } from '../../core/agreement/curatedLabel';

/**
 * The pure part of the curation flow (no vscode): how a disagreement and the curator's options read, one line
 * each, and which choice an option stands for. The Quick Picks in curationPicker.ts show these.
 */

/** Characters of context on each side of the mention in a disagreement's line. */
const CONTEXT_CHARS = 40;

export interface DisagreementLine {
  readonly label: string;
  readonly description: string;
  readonly detail: string;
}

export function disagreementLine(d: Disagreement, text: string): DisagreementLine {
  const line = text.slice(0, d.start).split('\n').length;
  const before = text.slice(Math.max(0, d.start - CONTEXT_CHARS), d.start).replace(/\s+/g, ' ');
  const after = text.slice(d.end, d.end + CONTEXT_CHARS).replace(/\s+/g, ' ');
  const labels = d.labels.map((l) => `${l.annotator}: ${valueName(l.value, l.title)}`).join(' · ');
  const curated = d.curated === undefined ? '' : ` · curated: ${valueName(d.curated.value, d.curated.record.title)}`;
  return {
    label: `${d.curated === undefined ? '$(diff)' : '$(pass-filled)'} ${d.text}`,
    description: `${d.document}:${line}  …${before}«${d.text}»${after}…`,
    detail: labels + curated,
  };
}

/** How a label value reads: the entity's title and id, NIL, or "not a mention". */
export function valueName(value: string | undefined, title?: string): string {
  if (value === undefined) return 'not a mention';
  if (value === NIL_VALUE) return 'NIL';
  return title === undefined || title === '' ? value : `${title} (${value})`;
}

export interface ChoiceOption {
  readonly choice: CuratedChoice;
  readonly label: string;
  readonly description: string;
}

/**
 * The curator's options at a disagreement: each distinct label with the annotators who gave it (in the order
 * the annotators are listed), then NIL and "not a mention" when no annotator gave them. KB search results come
 * after these (curationPicker.ts).
 */
export function choiceOptions(labels: readonly AnnotatorLabel[]): ChoiceOption[] {
  const byValue = new Map<string, { value: string | undefined; title?: string; annotators: string[] }>();
  for (const l of labels) {
    const key = l.value === undefined ? 'none' : `v:${l.value}`;
    const entry = byValue.get(key) ?? { value: l.value, ...(l.title === undefined ? {} : { title: l.title }), annotators: [] };
    entry.annotators.push(l.annotator);
    byValue.set(key, entry);
  }
  for (const [key, value] of [[`v:${NIL_VALUE}`, NIL_VALUE], ['none', undefined]] as const) {
    if (!byValue.has(key)) byValue.set(key, { value, annotators: [] });
  }
  return [...byValue.values()].map((e) => ({
    choice: choiceOf(e.value, e.title),
    label: `${e.value === undefined ? '$(circle-slash)' : e.value === NIL_VALUE ? '$(question)' : '$(link)'} ${valueName(e.value, e.title)}`,
    description: e.annotators.length === 0 ? '' : `by ${e.annotators.join(', ')}`,
  }));
}

function choiceOf(value: string | undefined, title?: string): CuratedChoice {
  if (value === undefined) return { kind: 'none' };
  if (value === NIL_VALUE) return { kind: 'nil' };
  return { kind: 'entity', kbId: value, ...(title === undefined ? {} : { title }) };
}

/** Uncurated disagreements first (document order within), then the curated ones, to review or change. */
export function curationOrder(list: readonly Disagreement[]): Disagreement[] {
  return [...list.filter((d) => d.curated === undefined), ...list.filter((d) => d.curated !== undefined)];
}
