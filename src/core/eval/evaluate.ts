import { performance } from 'node:perf_hooks';
import { LinkerError, throwIfAborted } from '../errors';
import { type GoldDocument, type GoldMention, type GoldSource, spanProblem } from '../formats/goldDocument';
import type { ProgressListener } from '../log';
import type { DocumentLinker, LinkedMention, SpanRequest } from '../linker/types';
import { type EndToEndMetrics, type GoldLink, type PredictedLink, computeEndToEnd } from './e2eMetrics';
import type { GoldMapper, MappedGold } from '../formats/goldMapping';
import { type Fraction, type GroupBreakdown, type LinkingMetrics, type MacroAverages, type MentionResult, breakdown, computeLinkingMetrics, macroAverage, surfaceBreakdown } from './metrics';

export type EvaluationMode = 'disambiguation' | 'end-to-end';

export interface EvaluateOptions {
  readonly docs: readonly GoldDocument[];
  readonly linker: DocumentLinker;
  readonly mapGold: GoldMapper;
  /** 'disambiguation' links the gold spans; 'end-to-end' lets the linker find mentions (default 'disambiguation'). */
  readonly mode?: EvaluationMode;
  /** Candidates requested per mention (default 64, the recall@64 depth). */
  readonly topK?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: ProgressListener;
  /** Skip mentions whose offsets or text are wrong and list them under `invalid`, instead of failing. */
  readonly skipInvalid?: boolean;
  /** Mentions the gold reader already left out as invalid (with skipInvalid), listed first under `invalid`. */
  readonly invalidAtRead?: readonly InvalidMention[];
  /** A fixed candidate set for a mention without `candidateIds` (the WordNet KB: the senses of the lemma). */
  readonly candidatesFor?: (mention: GoldMention, doc: GoldDocument) => readonly string[] | undefined;
  /** Clock in milliseconds; tests pass a fake one. */
  readonly now?: () => number;
}

export interface InvalidMention {
  readonly documentId: string;
  readonly source: GoldSource;
  readonly problem: string;
}

export interface DocumentReport extends Omit<GroupBreakdown, 'key'> {
  readonly id: string;
  /** Time spent in the linker for this document. */
  readonly seconds: number;
}

export interface EvaluationReport {
  readonly mode: EvaluationMode;
  /** The headline number: accuracy for disambiguation, strict F1 for end-to-end. */
  readonly primary: { readonly name: string; readonly value: Fraction };
  readonly metrics: LinkingMetrics;
  readonly macro: { readonly byDocument: MacroAverages; readonly byCollection: MacroAverages };
  readonly e2e?: EndToEndMetrics;
  readonly perDocument: DocumentReport[];
  readonly perCollection: GroupBreakdown[];
  readonly perSurface: GroupBreakdown[];
  readonly invalid: InvalidMention[];
  /** Gold mentions NIL in the benchmark's KB (notInWiki ids) that this KB holds, scored as in KB. */
  readonly emergingInKb: number;
  /** Wall time of the whole evaluation. */
  readonly seconds: number;
}

/** Links every document with the linker, scores it against the mapped gold and returns the report. */
export async function evaluate(options: EvaluateOptions): Promise<EvaluationReport> {
  const mode = options.mode ?? 'disambiguation';
  const topK = options.topK ?? 64;
  const now = options.now ?? (() => performance.now());
  const began = now();
  const results: MentionResult[] = [];
  const goldLinks: GoldLink[] = [];
  const predictions: PredictedLink[] = [];
  const invalid: InvalidMention[] = [...(options.invalidAtRead ?? [])];
  const docSeconds = new Map<string, number>();
  let emergingInKb = 0;
  const total = options.docs.length;
  for (let d = 0; d < total; d++) {
    throwIfAborted(options.signal);
    const doc = options.docs[d];
    const mentions = validMentions(doc, options.skipInvalid === true, invalid);
    const golds = mentions.map((m) => options.mapGold(m));
    emergingInKb += golds.filter((g) => g.emerging === true).length;
    const started = now();
    let linked: LinkedMention[];
    if (mode === 'end-to-end') {
      linked = await options.linker.linkDocument(doc.text, { signal: options.signal, topK });
    } else {
      const requests: SpanRequest[] = mentions.map((m) => {
        const candidateIds = m.candidateIds ?? options.candidatesFor?.(m, doc);
        const lemma = m.lemma === undefined ? {} : { lemma: m.lemma };
        return candidateIds === undefined ? { start: m.start, end: m.end, ...lemma } : { start: m.start, end: m.end, candidateIds, ...lemma };
      });
      linked = requests.length === 0 ? [] : await options.linker.linkSpans(doc.text, requests, { signal: options.signal, topK });
      if (linked.length !== requests.length) {
        throw new LinkerError('internal', `The linker returned ${linked.length} results for ${requests.length} spans of document ${doc.id}.`);
      }
    }
    const seconds = (now() - started) / 1000;
    docSeconds.set(doc.id, (docSeconds.get(doc.id) ?? 0) + seconds);
    const perMention = mentions.length === 0 ? undefined : seconds / mentions.length;
    const bySpan = new Map(linked.map((l) => [`${l.start}:${l.end}`, l]));
    mentions.forEach((m, i) => {
      // linkSpans answers in request order; look the span up in case a linker reorders.
      const inOrder = linked[i];
      const l = mode === 'disambiguation' && inOrder !== undefined && inOrder.start === m.start && inOrder.end === m.end ? inOrder : bySpan.get(`${m.start}:${m.end}`);
      results.push(toResult(doc, m, golds[i], l, perMention));
      goldLinks.push({ documentId: doc.id, start: m.start, end: m.end, gold: golds[i], optional: m.optional });
    });
    for (const l of linked) {
      predictions.push({ documentId: doc.id, start: l.start, end: l.end, id: l.nil || l.candidates.length === 0 ? null : l.candidates[0].id });
    }
    options.onProgress?.({ stage: 'evaluate', done: d + 1, total });
  }
  const metrics = computeLinkingMetrics(results);
  const perDocumentGroups = breakdown(results, (r) => r.documentId);
  const perCollection = breakdown(results, (r) => r.collection ?? '');
  const e2e = mode === 'end-to-end' ? computeEndToEnd(goldLinks, predictions) : undefined;
  return {
    mode,
    primary: e2e === undefined ? { name: 'accuracy', value: metrics.accuracy } : { name: 'e2e.strict.f1', value: e2e.strict.f1 },
    metrics,
    macro: { byDocument: macroAverage(perDocumentGroups), byCollection: macroAverage(perCollection) },
    e2e,
    perDocument: perDocumentGroups.map(({ key, ...rest }) => ({ id: key, ...rest, seconds: docSeconds.get(key) ?? 0 })),
    perCollection,
    perSurface: surfaceBreakdown(results),
    invalid,
    emergingInKb,
    seconds: (now() - began) / 1000,
  };
}

function toResult(doc: GoldDocument, m: GoldMention, gold: MappedGold, linked: LinkedMention | undefined, seconds: number | undefined): MentionResult {
  return {
    documentId: doc.id,
    collection: doc.collection,
    surface: m.text,
    gold,
    // An undetected mention (end-to-end) has no candidates and counts as a NIL answer.
    rankedIds: linked === undefined ? [] : linked.candidates.map((c) => c.id),
    predictedNil: linked === undefined ? true : linked.nil,
    seconds,
  };
}

/** The mentions whose offsets and text agree with the document; the others fail the run or, when skipping, are listed. */
function validMentions(doc: GoldDocument, skipInvalid: boolean, invalid: InvalidMention[]): GoldMention[] {
  const out: GoldMention[] = [];
  for (const m of doc.mentions) {
    const problem = spanProblem(doc.text, m.start, m.end, m.text);
    if (problem === undefined) {
      out.push(m);
    } else if (skipInvalid) {
      invalid.push({ documentId: doc.id, source: m.source, problem });
    } else {
      throw new LinkerError('inputFormat', `Gold mention in document ${doc.id}${m.source.record === undefined ? '' : ` (${m.source.record})`}: ${problem}.`, {
        location: { file: m.source.file, line: m.source.line },
        hint: 'Fix the gold file, or pass skipInvalid to skip such mentions and list them in the report.',
      });
    }
  }
  return out;
}
