import { AnnotationStore } from '../annotations/annotationStore';
import { CURATED_ANNOTATOR } from '../annotations/annotationPaths';
import type { Logger } from '../log';

/** What the curator decided at a span: an entity, NIL, or "not a mention". */
export type CuratedChoice =
  | { readonly kind: 'entity'; readonly kbId: string; readonly title?: string }
  | { readonly kind: 'nil' }
  | { readonly kind: 'none' };

export interface CuratedLabelOptions {
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly logger?: Logger;
}

/**
 * Writes the curated label of one span: the curator is the annotator `curated` with files of their own
 * (`.entity-links/@curated/<doc>.jsonl`, the same format as every store file, so it diffs, merges and re-anchors
 * like the others). A second decision at the same span replaces the first. The save is the store's atomic one.
 * Returns the file written.
 */
export async function writeCuratedLabel(workspaceRoot: string, document: string, text: string, span: { start: number; end: number }, choice: CuratedChoice, options: CuratedLabelOptions = {}): Promise<string> {
  const store = new AnnotationStore({ workspaceRoot, annotator: CURATED_ANNOTATOR, ownFiles: true, ...options });
  const doc = await store.open(document, text);
  const existing = doc.records.find((r) => r.start === span.start && r.end === span.end);
  if (existing === undefined) {
    doc.add({
      start: span.start,
      end: span.end,
      kbId: choice.kind === 'entity' ? choice.kbId : null,
      ...(choice.kind === 'entity' && choice.title !== undefined ? { title: choice.title } : {}),
      status: choice.kind === 'entity' ? 'accepted' : choice.kind === 'nil' ? 'nil' : 'rejected',
      candidates: [],
      annotator: CURATED_ANNOTATOR,
    });
  } else if (choice.kind === 'entity') {
    doc.relink(existing.id, choice.kbId, choice.title);
  } else if (choice.kind === 'nil') {
    doc.markNil(existing.id);
  } else {
    doc.reject(existing.id);
  }
  await doc.save();
  return store.fileFor(document);
}
