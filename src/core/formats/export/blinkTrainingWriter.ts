import { safeJson } from '../../safeText';
import type { GoldMapper } from '../goldMapping';
import type { KnowledgeBase } from '../../kb/knowledgeBase';
import type { GoldDocument, GoldMention } from '../goldDocument';

/** A hard negative of a training record: an entity the current model ranks high that is not the gold. */
export interface HardNegative {
  readonly id: string;
  readonly title: string;
  readonly score: number;
}

/**
 * One BLINK/Zeshel-style training record. The BLINK fields come first; `document_id`, `mention_start` and
 * `mention_end` (UTF-16 offsets in the document) let the reader rebuild documents exactly, and `hard_negatives`
 * are the model's top wrong entities when mined.
 */
export interface BlinkTrainingRecord {
  readonly context_left: string;
  readonly mention: string;
  readonly context_right: string;
  /** The gold entity's description (empty when unknown or NIL). */
  readonly label: string;
  /** null for NIL. */
  readonly label_id: string | null;
  readonly label_title: string;
  readonly world: string;
  readonly document_id: string;
  readonly mention_start: number;
  readonly mention_end: number;
  /** Further acceptable ids (a title shared by several entities, declared alternatives). */
  readonly other_ids?: readonly string[];
  /** True when the gold id is not in the KB the export was made against. */
  readonly out_of_kb?: boolean;
  readonly hard_negatives?: readonly HardNegative[];
}

export interface BlinkExportOptions {
  /** When given, label, label_title and label_id come from the KB entity the gold maps to. */
  readonly kb?: KnowledgeBase;
  readonly mapGold?: GoldMapper;
  /** Characters of context kept on each side (cut back to a word boundary); default: the whole document. */
  readonly contextChars?: number;
  /** Write NIL mentions with `label_id: null` (default) or leave them out. */
  readonly includeNil?: boolean;
  /** Mined negatives per gold mention (see exportNegatives.ts). */
  readonly hardNegatives?: (mention: GoldMention) => readonly HardNegative[] | undefined;
  /** The `world` of documents without a collection. */
  readonly world?: string;
}

export interface BlinkExportCounts {
  readonly mentions: number;
  readonly written: number;
  readonly nil: number;
  readonly nilLeftOut: number;
  readonly inKb: number;
  readonly outOfKb: number;
}

export function blinkTrainingRecords(docs: readonly GoldDocument[], options: BlinkExportOptions = {}): { records: BlinkTrainingRecord[]; counts: BlinkExportCounts } {
  const records: BlinkTrainingRecord[] = [];
  let mentions = 0;
  let nil = 0;
  let nilLeftOut = 0;
  let inKb = 0;
  let outOfKb = 0;
  for (const doc of docs) {
    for (const m of doc.mentions) {
      mentions++;
      const isNil = m.nil || m.goldIds.length === 0;
      if (isNil) {
        nil++;
        if (options.includeNil === false) {
          nilLeftOut++;
          continue;
        }
      }
      let labelId: string | null = isNil ? null : m.goldIds[0]!;
      let others = isNil ? [] : m.goldIds.slice(1);
      let title = isNil ? '' : (m.goldNames?.[0] ?? '');
      let label = '';
      let missing = false;
      if (!isNil && options.kb !== undefined) {
        const mapped = options.mapGold?.(m) ?? { ids: m.goldIds.filter((id) => options.kb!.rowOf(id) !== undefined), status: 'in-kb' };
        if (mapped.ids.length > 0) {
          inKb++;
          const entity = options.kb.get(mapped.ids[0]!)!;
          labelId = entity.id;
          others = mapped.ids.slice(1);
          title = entity.title;
          label = entity.text;
        } else {
          outOfKb++;
          missing = true;
        }
      }
      const { left, right } = contextAround(doc.text, m, options.contextChars);
      const negatives = isNil ? undefined : options.hardNegatives?.(m);
      records.push({
        context_left: left,
        mention: m.text,
        context_right: right,
        label,
        label_id: labelId,
        label_title: title,
        world: doc.collection ?? options.world ?? '',
        document_id: doc.id,
        mention_start: m.start,
        mention_end: m.end,
        ...(others.length === 0 ? {} : { other_ids: others }),
        ...(missing ? { out_of_kb: true } : {}),
        ...(negatives === undefined ? {} : { hard_negatives: negatives }),
      });
    }
  }
  return { records, counts: { mentions, written: records.length, nil, nilLeftOut, inKb, outOfKb } };
}

/** The text on each side of the mention; a window cut inside a word drops the partial word. */
export function contextAround(text: string, m: { start: number; end: number }, contextChars: number | undefined): { left: string; right: string } {
  if (contextChars === undefined) return { left: text.slice(0, m.start), right: text.slice(m.end) };
  let from = Math.max(0, m.start - contextChars);
  if (from > 0 && !/\s/.test(text[from - 1]!)) {
    const space = text.slice(from, m.start).search(/\s/);
    from = space < 0 ? m.start : from + space + 1;
  }
  let to = Math.min(text.length, m.end + contextChars);
  if (to < text.length && !/\s/.test(text[to]!)) {
    const cut = text.slice(m.end, to).search(/\s\S*$/);
    to = cut < 0 ? m.end : m.end + cut;
  }
  return { left: text.slice(from, m.start), right: text.slice(m.end, to) };
}

export function toJsonl(records: readonly unknown[]): string {
  // safeJson: U+2028/2029 and other separators raw in a line would split it for line readers that honour them.
  return records.map((r) => safeJson(r)).join('\n') + (records.length > 0 ? '\n' : '');
}
