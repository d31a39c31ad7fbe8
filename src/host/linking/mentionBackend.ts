import type * as vscode from 'vscode';
import type { AnnotationRecord } from '../../core/annotations/annotationRecord';
import type { Entity } from '../../core/kb/entity';
import type { LinkedMention } from '../../core/linker/types';

/**
 * What the editor side (document linking + the annotation store) offers the panels: the mentions of open
 * documents as the current model links them, the annotator's labels, and the labelling actions. The editor
 * service implements it; the hard-negatives panel and the corpus view only read and act through it, so they
 * never reach into decorations, workers or files.
 */

/** A mention of a workspace document: by annotation id when it is stored, else by its span. */
export interface MentionRef {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
  readonly annotationId?: string;
}

export interface MentionDetails {
  readonly ref: MentionRef;
  readonly text: string;
  /** Document text around the mention (a sentence or so each side). */
  readonly before: string;
  readonly after: string;
  /** The annotator's label, when the mention is stored. */
  readonly annotation?: AnnotationRecord;
  /** The current model's ranking of this span, with hard negatives (the label excluded where there is one). */
  readonly linked: LinkedMention;
}

/** One stored (accepted/NIL) label of the workspace with the current model's ranking of its span. */
export interface LabelledMention {
  readonly uri: string;
  /** Workspace-relative document path. */
  readonly document: string;
  readonly annotation: AnnotationRecord;
  readonly linked: LinkedMention;
}

export interface MentionBackend {
  /** The mention covering `offset` in the document (stored annotation first, else the linker's prediction). */
  mentionAt(uri: vscode.Uri, offset: number, signal?: AbortSignal): Promise<MentionDetails | undefined>;
  details(ref: MentionRef, signal?: AbortSignal): Promise<MentionDetails | undefined>;
  /**
   * Every accepted or NIL annotation of the workspace, each re-ranked by the current model (for corpus
   * analysis); `onProgress` reports documents done.
   */
  labelledMentions(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<LabelledMention[]>;
  entity(id: string): Promise<Entity | undefined>;
  /** Labelling actions; each is one undoable step in the document's annotation history and saved at once. */
  relabel(ref: MentionRef, kbId: string): Promise<void>;
  markNil(ref: MentionRef): Promise<void>;
  /** Declares `entityId` a duplicate of the mention's label, so training never uses it as a negative. */
  declareDuplicate(ref: MentionRef, entityId: string): Promise<void>;
  reveal(ref: MentionRef): Promise<void>;
  /** Fires when annotations, the model or the KB change (the panels refresh). */
  readonly onDidChange: vscode.Event<void>;
}
