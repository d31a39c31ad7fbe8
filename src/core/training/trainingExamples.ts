import { createHash } from 'node:crypto';
import type { GoldMapper } from '../formats/goldMapping';
import type { GoldDocument, GoldMention } from '../formats/goldDocument';
import { spanProblem } from '../formats/goldDocument';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import { DEFAULT_TEMPLATE, mentionText, type TextTemplateOptions } from '../linker/textTemplates';

/** A gold mention ready for training: the encoder text of the mention and its gold, duplicates and candidates as KB rows. */
export interface TrainingMention {
  readonly documentId: string;
  readonly collection?: string;
  readonly start: number;
  readonly end: number;
  readonly surface: string;
  /** The mention-in-context text the encoder reads (the linker's template). */
  readonly text: string;
  readonly goldIds: readonly string[];
  readonly goldRows: readonly number[];
  readonly excludedRows: readonly number[];
  readonly candidateRows?: readonly number[];
}

export interface ExampleCounts {
  readonly documents: number;
  readonly mentions: number;
  /** Mentions with a gold entity in the KB: the ones trained on. */
  readonly inKb: number;
  readonly nil: number;
  readonly outOfKb: number;
  /** Offsets or text that do not match the document. */
  readonly invalid: number;
  /** With a fixed candidate set that holds no gold (nothing to learn). */
  readonly goldNotCandidate: number;
}

export interface ExampleOptions {
  readonly mapGold: GoldMapper;
  /** A fixed candidate set for a mention without `candidateIds` (WSD: the lemma's senses). */
  readonly candidatesFor?: (mention: GoldMention, doc: GoldDocument) => readonly string[] | undefined;
  /** Ids declared the same entity as `id` (never negatives for it). */
  readonly duplicatesOf?: (id: string) => readonly string[];
  readonly template?: TextTemplateOptions;
}

/**
 * Turns gold documents into training mentions. NIL and out-of-KB mentions are counted and left out: the
 * contrastive loss needs a gold entity to put at index 0.
 */
export function trainingMentions(docs: readonly GoldDocument[], kb: KnowledgeBase, options: ExampleOptions): { mentions: TrainingMention[]; counts: ExampleCounts } {
  const out: TrainingMention[] = [];
  let total = 0;
  let nil = 0;
  let outOfKb = 0;
  let invalid = 0;
  let goldNotCandidate = 0;
  const rowsOf = (ids: Iterable<string>): number[] => {
    const rows: number[] = [];
    for (const id of ids) {
      const r = kb.rowOf(id);
      if (r !== undefined && !rows.includes(r)) rows.push(r);
    }
    return rows;
  };
  for (const doc of docs) {
    for (const m of doc.mentions) {
      total++;
      if (spanProblem(doc.text, m.start, m.end, m.text) !== undefined) {
        invalid++;
        continue;
      }
      const gold = options.mapGold(m);
      if (gold.status === 'nil') {
        nil++;
        continue;
      }
      if (gold.status === 'out-of-kb') {
        outOfKb++;
        continue;
      }
      const goldRows = rowsOf(gold.ids);
      const dup = new Set<string>();
      for (const id of gold.ids) for (const d of options.duplicatesOf?.(id) ?? []) dup.add(d);
      const excludedRows = rowsOf(dup).filter((r) => !goldRows.includes(r));
      const candidateIds = m.candidateIds ?? options.candidatesFor?.(m, doc);
      const candidateRows = candidateIds === undefined ? undefined : rowsOf(candidateIds);
      if (candidateRows !== undefined && !goldRows.some((r) => candidateRows.includes(r))) {
        goldNotCandidate++;
        continue;
      }
      out.push({
        documentId: doc.id,
        ...(doc.collection === undefined ? {} : { collection: doc.collection }),
        start: m.start,
        end: m.end,
        surface: m.text,
        text: mentionText(doc.text, m, options.template ?? DEFAULT_TEMPLATE),
        goldIds: gold.ids,
        goldRows,
        excludedRows,
        ...(candidateRows === undefined ? {} : { candidateRows }),
      });
    }
  }
  return { mentions: out, counts: { documents: docs.length, mentions: total, inKb: out.length, nil, outOfKb, invalid, goldNotCandidate } };
}

/** sha256 of what a head is trained on: the KB content hash and every train and dev mention's text and gold. */
export function trainingDataHash(kbHash: string, train: readonly TrainingMention[], dev: readonly TrainingMention[]): string {
  const h = createHash('sha256');
  h.update(`kb:${kbHash}\n`);
  for (const [name, set] of [['train', train], ['dev', dev]] as const) {
    h.update(`${name}:${set.length}\n`);
    for (const m of set) h.update(`${m.documentId}\u0000${m.start}:${m.end}\u0000${m.text}\u0000${m.goldIds.join('\u0001')}\u0000${(m.candidateRows ?? []).join(',')}\n`);
  }
  return h.digest('hex');
}
