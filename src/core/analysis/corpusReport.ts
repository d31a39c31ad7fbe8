import type { AnnotationRecord } from '../annotations/annotationRecord';
import type { LinkedMention } from '../linker/types';
import type { AmbiguousForm, ConfusedPair, CorpusMentionRow, CorpusReport, DocumentAccuracy, HistogramBin } from '../../shared/panelModel';
import { histogram } from './histogram';
import { acceptableIds, labelIndex } from './labelMatch';

/** One stored label with the current model's ranking of its span (the host's LabelledMention fits). */
export interface LabelledLink {
  readonly uri: string;
  readonly document: string;
  readonly annotation: Pick<AnnotationRecord, 'id' | 'start' | 'end' | 'text' | 'kbId' | 'title' | 'alternativeIds' | 'duplicateIds'>;
  readonly linked: Pick<LinkedMention, 'candidates' | 'nil' | 'margin'>;
}

export interface CorpusReportOptions {
  readonly ks?: readonly number[];
  readonly marginBins?: number;
  readonly topPairs?: number;
  readonly topForms?: number;
  readonly signal?: AbortSignal;
}

const DEFAULT_KS = [1, 3, 5, 10];

/**
 * Accuracy, recall@k, margins, confusions, ambiguous surface forms and per-document accuracy of the model
 * against the stored labels. A prediction is right when it is an acceptable id of the label (the label, an
 * alternative, a declared duplicate) or when both the label and the model say NIL. Linear in the candidates.
 */
export function corpusReport(items: readonly LabelledLink[], options: CorpusReportOptions = {}): CorpusReport {
  const started = performance.now();
  const ks = options.ks ?? DEFAULT_KS;
  const titles = new Map<string, string>();
  const rows: CorpusMentionRow[] = [];
  const margins: number[] = [];
  const marginRow: number[] = [];
  const hits = ks.map(() => 0);
  let linkedCount = 0;
  let nilLabels = 0;
  let correct = 0;
  let notRetrieved = 0;
  let noNegatives = 0;
  for (let index = 0; index < items.length; index++) {
    if (index % 2048 === 0) options.signal?.throwIfAborted();
    const { annotation: a, linked: m, uri, document } = items[index];
    for (const c of m.candidates) if (!titles.has(c.id)) titles.set(c.id, c.title);
    if (a.kbId !== null && a.title !== undefined && !titles.has(a.kbId)) titles.set(a.kbId, a.title);
    const acceptable = acceptableIds(a);
    const predictedId = m.nil || m.candidates.length === 0 ? null : m.candidates[0].id;
    const isCorrect = a.kbId === null ? predictedId === null : predictedId !== null && acceptable.has(predictedId);
    if (isCorrect) correct++;
    let labelRank: number | undefined;
    let margin: number | undefined;
    if (a.kbId === null) {
      nilLabels++;
    } else {
      linkedCount++;
      const at = labelIndex(m.candidates, acceptable);
      if (at < 0) {
        notRetrieved++;
      } else {
        labelRank = at + 1;
        ks.forEach((k, i) => at < k && hits[i]++);
        const best = m.candidates.find((c) => !acceptable.has(c.id));
        if (best === undefined) {
          noNegatives++;
        } else {
          margin = m.candidates[at].score - best.score;
          margins.push(margin);
          marginRow.push(index);
        }
      }
    }
    rows.push({
      index,
      uri,
      document,
      start: a.start,
      end: a.end,
      annotationId: a.id,
      text: a.text,
      labelId: a.kbId,
      ...(a.kbId === null || a.title === undefined ? {} : { labelTitle: a.title }),
      predictedId,
      ...(predictedId === null ? {} : { predictedTitle: m.candidates[0].title }),
      correct: isCorrect,
      ...(labelRank === undefined ? {} : { labelRank }),
      ...(margin === undefined ? {} : { margin }),
    });
  }
  const bins: HistogramBin[] = histogram(margins, options.marginBins ?? 24).map((b) => ({ from: b.from, to: b.to, count: b.members.length, mentions: b.members.map((i) => marginRow[i]) }));
  const report: Omit<CorpusReport, 'computeMs'> = {
    total: items.length,
    linked: linkedCount,
    nilLabels,
    correct,
    accuracy: ratio(correct, items.length),
    recallAtK: ks.map((k, i) => ({ k, recall: ratio(hits[i], linkedCount) })),
    margins: { bins, notRetrieved, noNegatives },
    confusedPairs: confusedPairs(rows, titles, options.topPairs ?? 50),
    ambiguousForms: ambiguousForms(rows, items, titles, options.topForms ?? 50),
    documents: documentAccuracy(rows),
    mentions: rows,
  };
  return { ...report, computeMs: performance.now() - started };
}

function ratio(a: number, b: number): number {
  return b === 0 ? 0 : a / b;
}

const NIL_KEY = '\u0000nil';

function titled(id: string | null, titles: ReadonlyMap<string, string>): { title?: string } {
  const t = id === null ? undefined : titles.get(id);
  return t === undefined ? {} : { title: t };
}

/** Label -> prediction pairs of the wrong mentions, most frequent first (NIL on either side included). */
export function confusedPairs(rows: readonly CorpusMentionRow[], titles: ReadonlyMap<string, string>, top: number): ConfusedPair[] {
  const pairs = new Map<string, { labelId: string | null; predictedId: string | null; mentions: number[] }>();
  for (const r of rows) {
    if (r.correct) continue;
    const key = `${r.labelId ?? NIL_KEY}\u0001${r.predictedId ?? NIL_KEY}`;
    let p = pairs.get(key);
    if (p === undefined) pairs.set(key, (p = { labelId: r.labelId, predictedId: r.predictedId, mentions: [] }));
    p.mentions.push(r.index);
  }
  return [...pairs.values()]
    .sort((a, b) => b.mentions.length - a.mentions.length || String(a.labelId).localeCompare(String(b.labelId)) || String(a.predictedId).localeCompare(String(b.predictedId)))
    .slice(0, top)
    .map((p) => {
      const lt = titled(p.labelId, titles).title;
      const pt = titled(p.predictedId, titles).title;
      return { labelId: p.labelId, ...(lt === undefined ? {} : { labelTitle: lt }), predictedId: p.predictedId, ...(pt === undefined ? {} : { predictedTitle: pt }), count: p.mentions.length, mentions: p.mentions };
    });
}

/** Case- and space-insensitive surface form, so "New  York" and "new york" group together. */
export function surfaceKey(text: string): string {
  return text.normalize('NFKC').toLowerCase().replace(/\s+/g, ' ').trim();
}

/**
 * Surface forms seen at least twice, the most ambiguous first: by the entropy of their labels, then by how
 * little the model separates its top two candidates on them.
 */
export function ambiguousForms(rows: readonly CorpusMentionRow[], items: readonly LabelledLink[], titles: ReadonlyMap<string, string>, top: number): AmbiguousForm[] {
  const groups = new Map<string, { form: string; mentions: number[] }>();
  for (const r of rows) {
    const key = surfaceKey(r.text);
    let g = groups.get(key);
    if (g === undefined) groups.set(key, (g = { form: r.text, mentions: [] }));
    g.mentions.push(r.index);
  }
  const forms: AmbiguousForm[] = [];
  for (const g of groups.values()) {
    if (g.mentions.length < 2) continue;
    const counts = new Map<string, number>();
    let right = 0;
    let marginSum = 0;
    let marginN = 0;
    for (const i of g.mentions) {
      const id = rows[i].labelId ?? NIL_KEY;
      counts.set(id, (counts.get(id) ?? 0) + 1);
      if (rows[i].correct) right++;
      const mm = items[i].linked.margin;
      if (Number.isFinite(mm)) {
        marginSum += mm;
        marginN++;
      }
    }
    let entropy = 0;
    for (const c of counts.values()) {
      const p = c / g.mentions.length;
      entropy -= p * Math.log2(p);
    }
    const labels = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))
      .map(([id, count]) => {
        const realId = id === NIL_KEY ? null : id;
        return { id: realId, ...titled(realId, titles), count };
      });
    forms.push({
      form: g.form,
      count: g.mentions.length,
      distinctLabels: counts.size,
      entropy: Math.abs(entropy),
      labels,
      accuracy: right / g.mentions.length,
      ...(marginN === 0 ? {} : { meanModelMargin: marginSum / marginN }),
      mentions: g.mentions,
    });
  }
  return forms
    .sort((a, b) => b.entropy - a.entropy || (a.meanModelMargin ?? Infinity) - (b.meanModelMargin ?? Infinity) || b.count - a.count || a.form.localeCompare(b.form))
    .slice(0, top);
}

/** Accuracy per document, the worst first. */
export function documentAccuracy(rows: readonly CorpusMentionRow[]): DocumentAccuracy[] {
  const docs = new Map<string, { document: string; uri: string; correct: number; mentions: number[] }>();
  for (const r of rows) {
    let d = docs.get(r.uri);
    if (d === undefined) docs.set(r.uri, (d = { document: r.document, uri: r.uri, correct: 0, mentions: [] }));
    d.mentions.push(r.index);
    if (r.correct) d.correct++;
  }
  return [...docs.values()]
    .map((d) => ({ document: d.document, uri: d.uri, total: d.mentions.length, correct: d.correct, accuracy: d.correct / d.mentions.length, mentions: d.mentions }))
    .sort((a, b) => a.accuracy - b.accuracy || a.document.localeCompare(b.document));
}
