import { LinkerError } from '../errors';
import { type AnnotationRecord, type AnnotationStatus, type StoredCandidate, compareRecords, contextAround, isAnchored } from './annotationRecord';
import { type TextChange, applyChangesToText, shiftRecord, shiftRecords, sortChangesForApply } from './editTracking';
import { type ReanchorResult, reanchorRecords } from './reanchor';

/** A new annotation: a span plus whatever is known about it (a linker suggestion, an imported gold label). */
export interface NewAnnotation {
  readonly start: number;
  readonly end: number;
  readonly kbId?: string | null;
  readonly title?: string;
  /** Default 'suggested' when candidates are given and no kbId, 'accepted' when a kbId is given, else 'needsReview'. */
  readonly status?: AnnotationStatus;
  readonly candidates?: readonly StoredCandidate[];
  readonly annotator?: string;
  readonly modelVersion?: string;
  readonly alternativeIds?: readonly string[];
  readonly optional?: boolean;
  /** Keep an existing id (import of records that already have one). */
  readonly id?: string;
}

export type AnnotationChangeKind = 'action' | 'undo' | 'redo' | 'edit' | 'reanchor' | 'saved';

export interface AnnotationChangeEvent {
  readonly document: string;
  readonly kind: AnnotationChangeKind;
  /** Ids of the records that changed (added, removed or modified); empty for 'saved'. */
  readonly ids: readonly string[];
}

export type AnnotationChangeListener = (event: AnnotationChangeEvent) => void;

/** What a document needs from its store: identity, clock, ids and the serialised writer. */
export interface DocumentHost {
  readonly annotator: string;
  now(): Date;
  newId(): string;
  save(doc: DocumentAnnotations, createEmpty: boolean): Promise<void>;
}

/**
 * One undoable step: each touched record's state before and after (undefined = absent), as of text edit
 * `epoch`. Text edits made since are applied to the snapshots only when the step is undone or redone, so a
 * keystroke costs the live records, not the whole history.
 */
interface Patch {
  readonly entries: readonly PatchEntry[];
  readonly epoch: number;
}

interface PatchEntry {
  readonly id: string;
  readonly before?: AnnotationRecord;
  readonly after?: AnnotationRecord;
  /** Whether each snapshot was anchored in the text of the patch's epoch (its text then follows edits). */
  readonly beforeAnchored: boolean;
  readonly afterAnchored: boolean;
}

/** Edit batches kept for lazy history updates before every step is brought up to date at once. */
const EDIT_LOG_LIMIT = 1000;

const UNDO_LIMIT = 1000;

/**
 * The annotations of one open document: the records, the text they refer to, and an undo/redo history of
 * annotation actions. Text edits move the records (and the records inside the history, so undo after typing
 * restores the decision at the mention's current place) but are not themselves annotation actions: the
 * editor undoes text.
 */
export class DocumentAnnotations {
  private byId = new Map<string, AnnotationRecord>();
  private currentText: string;
  private undoStack: Patch[] = [];
  private redoStack: Patch[] = [];
  /** Sorted edit batches since epoch `editLogBase`; `editCount` batches in all. */
  private editLog: (readonly TextChange[])[] = [];
  private editLogBase = 0;
  private editCount = 0;
  private listeners = new Set<AnnotationChangeListener>();
  private revision = 0;
  private savedRevision: number;
  private readOnlyReason: LinkerError | undefined;

  constructor(
    readonly document: string,
    readonly file: string,
    text: string,
    records: readonly AnnotationRecord[],
    private readonly host: DocumentHost,
    /** Set when the stored file was written for another text and the records were re-anchored on open. */
    readonly reanchored: ReanchorResult | undefined,
    /** Whether the stored file already matches these records (false after re-anchoring, or for a new file). */
    upToDate: boolean,
  ) {
    this.currentText = text;
    for (const r of records) this.byId.set(r.id, r);
    this.savedRevision = upToDate ? 0 : -1;
  }

  get text(): string {
    return this.currentText;
  }

  /** All records, sorted by span. */
  get records(): readonly AnnotationRecord[] {
    return [...this.byId.values()].sort(compareRecords);
  }

  get(id: string): AnnotationRecord | undefined {
    return this.byId.get(id);
  }

  /** True when there are changes not yet saved. */
  get dirty(): boolean {
    return this.revision !== this.savedRevision;
  }

  get canUndo(): boolean {
    return this.undoStack.length > 0;
  }

  get canRedo(): boolean {
    return this.redoStack.length > 0;
  }

  /** Set when the file on disk turned out corrupt or of an unknown version: saving refuses with this error. */
  get readOnly(): LinkerError | undefined {
    return this.readOnlyReason;
  }

  markReadOnly(reason: LinkerError): void {
    this.readOnlyReason = reason;
  }

  onDidChange(listener: AnnotationChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // --- actions (each one undoable step) ---

  /** Accepts a candidate (default: the record's current kbId, else its best candidate). */
  accept(id: string, candidateId?: string): void {
    const r = this.require(id);
    const kbId = candidateId ?? r.kbId ?? r.candidates[0]?.id;
    if (kbId === undefined || kbId === null) {
      throw new LinkerError('usage', `annotation ${id} has no candidate to accept.`, { hint: 'Relink it to an entity or mark it NIL.' });
    }
    const title = r.candidates.find((c) => c.id === kbId)?.title ?? (kbId === r.kbId ? r.title : undefined);
    this.commit([this.decided(r, { kbId, title, status: 'accepted' })]);
  }

  /** Links the mention to an entity the user chose (possibly outside the candidate list). */
  relink(id: string, kbId: string, title?: string): void {
    const r = this.require(id);
    this.commit([this.decided(r, { kbId, title: title ?? r.candidates.find((c) => c.id === kbId)?.title, status: 'accepted' })]);
  }

  /** The mention refers to nothing in the KB. */
  markNil(id: string): void {
    this.commit([this.decided(this.require(id), { kbId: null, title: undefined, status: 'nil' })]);
  }

  /**
   * Declares `entityId` a duplicate of the record's label (one undoable step). Not a decision about the label
   * itself, so status, annotator and time stay as they are.
   */
  declareDuplicate(id: string, entityId: string): void {
    const r = this.require(id);
    if (r.kbId === null) {
      throw new LinkerError('usage', `annotation ${id} has no label to be a duplicate of.`, { hint: 'Link the mention to an entity first.' });
    }
    if (entityId === r.kbId) {
      throw new LinkerError('usage', `${entityId} is the label of annotation ${id} itself, not a duplicate of it.`);
    }
    const existing = r.duplicateIds ?? [];
    if (existing.includes(entityId)) return;
    this.commit([{ ...r, duplicateIds: [...existing, entityId] }]);
  }

  /** The span is not a mention (a wrong suggestion): kept as a negative example, not deleted. */
  reject(id: string): void {
    const r = this.require(id);
    this.commit([this.decided(r, { kbId: r.kbId, title: r.title, status: 'rejected' })]);
  }

  /**
   * Rejects several spans as one undoable step (Reject Remaining): stored records by id, and predictions not
   * stored yet added as rejected. Returns the ids of all of them.
   */
  rejectMany(ids: readonly string[], fresh: readonly NewAnnotation[]): string[] {
    return this.decideMany(ids.map((id) => {
      const r = this.require(id);
      return { id, kbId: r.kbId, title: r.title };
    }), fresh, 'rejected');
  }

  /**
   * Accepts several spans as one undoable step (Accept Remaining): stored records by id, each with the entity
   * taken, and predictions not stored yet added as accepted (their kbId). Returns the ids of all of them.
   */
  acceptMany(stored: readonly { readonly id: string; readonly kbId: string; readonly title?: string }[], fresh: readonly NewAnnotation[]): string[] {
    return this.decideMany(stored, fresh, 'accepted');
  }

  /** Moves or resizes a mention (resolving a review); its text becomes the document's text there. */
  setSpan(id: string, start: number, end: number): void {
    const r = this.require(id);
    this.checkSpan(start, end);
    this.commit([this.decided(r, { kbId: r.kbId, title: r.title, status: r.status === 'needsReview' ? (r.review?.previousStatus ?? 'suggested') : r.status }, { start, end })]);
  }

  add(annotation: NewAnnotation): string {
    return this.addMany([annotation])[0];
  }

  /** Adds several annotations as one undoable step (a linker run, an import). Returns their ids. */
  addMany(annotations: readonly NewAnnotation[]): string[] {
    const created = annotations.map((a) => this.create(a));
    this.commit(created);
    return created.map((r) => r.id);
  }

  remove(id: string): void {
    this.require(id);
    this.commitPatch({ entries: [this.entry(id, this.byId.get(id), undefined)], epoch: this.editCount }, 'action');
  }

  undo(): boolean {
    const stale = this.undoStack.pop();
    if (stale === undefined) return false;
    const patch = this.bringUpToDate(stale);
    this.applyPatch(patch, 'before');
    this.redoStack.push(patch);
    this.changed('undo', patch.entries.map((e) => e.id));
    return true;
  }

  redo(): boolean {
    const stale = this.redoStack.pop();
    if (stale === undefined) return false;
    const patch = this.bringUpToDate(stale);
    this.applyPatch(patch, 'after');
    this.undoStack.push(patch);
    this.changed('redo', patch.entries.map((e) => e.id));
    return true;
  }

  // --- text ---

  /**
   * Follows a batch of text edits (VS Code's contentChanges: offsets in the text before the batch, not
   * overlapping). See editTracking.ts for what happens to a mention an edit touches.
   */
  applyEdit(changes: readonly TextChange[]): void {
    if (changes.length === 0) return;
    const sorted = sortChangesForApply(changes);
    const newText = applyChangesToText(this.currentText, sorted);
    const before = [...this.byId.values()];
    // Only a record whose span content changed (resized, or flagged by an edit inside it) needs its text refreshed.
    const contentChanged = (r: AnnotationRecord, was: AnnotationRecord): boolean => r !== was && (r.end - r.start !== was.end - was.start || r.review !== was.review);
    const after = shiftRecords(before, sorted).map((r, i) => (r.end > r.start && contentChanged(r, before[i]) && isAnchored(before[i], this.currentText) ? withText(r, newText) : r));
    const ids: string[] = [];
    for (let i = 0; i < before.length; i++) {
      if (after[i] !== before[i]) {
        this.byId.set(after[i].id, after[i]);
        ids.push(after[i].id);
      }
    }
    this.currentText = newText;
    this.logEdit(sorted);
    // The stored contentHash and contexts describe the old text: the file is stale even if no record moved.
    this.revision++;
    this.changed('edit', ids, false);
  }

  /** Brings the records to `text` when it differs from the tracked text (a missed edit, a reload from disk). */
  syncText(text: string): ReanchorResult | undefined {
    if (text === this.currentText) return undefined;
    const result = reanchorRecords([...this.byId.values()], text, this.currentText.length);
    this.byId = new Map(result.records.map((r) => [r.id, r]));
    // Offsets in the history belong to the old text and cannot be moved reliably: history starts again.
    this.undoStack = [];
    this.redoStack = [];
    this.editLog = [];
    this.editLogBase = this.editCount;
    this.currentText = text;
    this.revision++;
    this.changed('reanchor', result.records.map((r) => r.id), false);
    return result;
  }

  /**
   * Saves atomically (serialised with other saves of the same file). Refuses for a read-only document. A
   * document that never had a file and has no annotations gets none unless `createEmpty` (opening and typing
   * in a plain file must not litter `.entity-links/`).
   */
  async save(options: { createEmpty?: boolean } = {}): Promise<void> {
    if (this.readOnlyReason !== undefined) throw this.readOnlyReason;
    const revision = this.revision;
    await this.host.save(this, options.createEmpty === true);
    if (this.savedRevision < revision) this.savedRevision = revision;
    this.changed('saved', [], false);
  }

  /** The records as they go to disk: contexts refreshed from the live text for every anchored record. */
  snapshotForSave(): { text: string; records: AnnotationRecord[] } {
    const text = this.currentText;
    const records = this.records.map((r) => (isAnchored(r, text) ? { ...r, context: contextAround(text, r.start, r.end) } : r));
    return { text, records };
  }

  // --- internals ---

  private require(id: string): AnnotationRecord {
    const r = this.byId.get(id);
    if (r === undefined) throw new LinkerError('usage', `no annotation with id ${id} in ${this.document}.`);
    return r;
  }

  private checkSpan(start: number, end: number): void {
    if (!Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end > this.currentText.length || start >= end) {
      throw new LinkerError('usage', `span [${start}, ${end}) is empty or outside ${this.document} (length ${this.currentText.length}).`);
    }
  }

  /** One undoable step deciding stored records (by id, with their entity) and adding new ones, all with `status`. */
  private decideMany(stored: readonly { readonly id: string; readonly kbId: string | null; readonly title?: string }[], fresh: readonly NewAnnotation[], status: 'accepted' | 'rejected'): string[] {
    const decided = stored.map((d) => this.decided(this.require(d.id), { kbId: d.kbId, title: d.title, status }));
    const created = fresh.map((a) => this.create({ ...a, status }));
    this.commit([...decided, ...created]);
    return [...stored.map((d) => d.id), ...created.map((r) => r.id)];
  }

  /** A record after a user decision: who and when, and no review note (deciding is reviewing). */
  private decided(r: AnnotationRecord, decision: { kbId: string | null; title: string | undefined; status: AnnotationStatus }, span?: { start: number; end: number }): AnnotationRecord {
    const { review: _review, title: _title, duplicateIds, ...rest } = r;
    // Duplicates were declared of the old label; they mean nothing for another one.
    const keptDuplicates = decision.kbId === r.kbId && duplicateIds !== undefined ? { duplicateIds } : {};
    const next: AnnotationRecord = {
      ...rest,
      ...keptDuplicates,
      ...(span === undefined ? {} : { start: span.start, end: span.end, text: this.currentText.slice(span.start, span.end), context: contextAround(this.currentText, span.start, span.end) }),
      kbId: decision.kbId,
      ...(decision.title === undefined ? {} : { title: decision.title }),
      status: decision.status,
      annotator: this.host.annotator,
      time: this.host.now().toISOString(),
    };
    return next;
  }

  private create(a: NewAnnotation): AnnotationRecord {
    this.checkSpan(a.start, a.end);
    const id = a.id ?? this.host.newId();
    if (this.byId.has(id)) throw new LinkerError('usage', `annotation id ${id} exists already in ${this.document}.`);
    const candidates = a.candidates ?? [];
    const kbId = a.kbId ?? null;
    const status = a.status ?? (kbId !== null ? 'accepted' : candidates.length > 0 ? 'suggested' : 'needsReview');
    const r: AnnotationRecord = {
      id,
      start: a.start,
      end: a.end,
      text: this.currentText.slice(a.start, a.end),
      kbId,
      ...(a.title === undefined ? {} : { title: a.title }),
      status,
      candidates: candidates.map((c) => ({ id: c.id, title: c.title, score: c.score })),
      annotator: a.annotator ?? this.host.annotator,
      time: this.host.now().toISOString(),
      modelVersion: a.modelVersion ?? '',
      context: contextAround(this.currentText, a.start, a.end),
      ...(a.alternativeIds === undefined || a.alternativeIds.length === 0 ? {} : { alternativeIds: [...a.alternativeIds] }),
      ...(a.optional === true ? { optional: true } : {}),
      ...(status === 'needsReview' ? { review: { reason: 'added without a link', previousStatus: 'suggested' as const } } : {}),
    };
    return r;
  }

  private commit(after: readonly AnnotationRecord[]): void {
    this.commitPatch({ entries: after.map((r) => this.entry(r.id, this.byId.get(r.id), r)), epoch: this.editCount }, 'action');
  }

  private entry(id: string, before: AnnotationRecord | undefined, after: AnnotationRecord | undefined): PatchEntry {
    const anchored = (r: AnnotationRecord | undefined): boolean => r !== undefined && isAnchored(r, this.currentText);
    return { id, before, after, beforeAnchored: anchored(before), afterAnchored: anchored(after) };
  }

  private commitPatch(patch: Patch, kind: AnnotationChangeKind): void {
    this.applyPatch(patch, 'after');
    this.undoStack.push(patch);
    if (this.undoStack.length > UNDO_LIMIT) this.undoStack.shift();
    this.redoStack = [];
    this.changed(kind, patch.entries.map((e) => e.id));
  }

  private logEdit(sorted: readonly TextChange[]): void {
    this.editCount++;
    if (this.undoStack.length === 0 && this.redoStack.length === 0) {
      this.editLog = [];
      this.editLogBase = this.editCount;
      return;
    }
    this.editLog.push(sorted);
    if (this.editLog.length > EDIT_LOG_LIMIT) {
      this.undoStack = this.undoStack.map((p) => this.bringUpToDate(p));
      this.redoStack = this.redoStack.map((p) => this.bringUpToDate(p));
      this.editLog = [];
      this.editLogBase = this.editCount;
    }
  }

  /**
   * Moves a step's snapshots through the edits made since it was recorded. A snapshot takes the live text at
   * its span when it was anchored before (the same rule as for live records, judged once over the batches).
   */
  private bringUpToDate(p: Patch): Patch {
    if (p.epoch === this.editCount) return p;
    const batches = this.editLog.slice(p.epoch - this.editLogBase);
    const move = (r: AnnotationRecord | undefined, wasAnchored: boolean): AnnotationRecord | undefined => {
      if (r === undefined) return undefined;
      const moved = batches.reduce((m, b) => b.reduce(shiftRecord, m), r);
      return wasAnchored && moved.end > moved.start ? withText(moved, this.currentText) : moved;
    };
    return { entries: p.entries.map((e) => this.entry(e.id, move(e.before, e.beforeAnchored), move(e.after, e.afterAnchored))), epoch: this.editCount };
  }

  private applyPatch(patch: Patch, side: 'before' | 'after'): void {
    const entries = side === 'before' ? [...patch.entries].reverse() : patch.entries;
    for (const e of entries) {
      const r = e[side];
      if (r === undefined) this.byId.delete(e.id);
      else this.byId.set(e.id, r);
    }
  }

  private changed(kind: AnnotationChangeKind, ids: readonly string[], bump = true): void {
    if (bump) this.revision++;
    const event: AnnotationChangeEvent = { document: this.document, kind, ids };
    for (const l of [...this.listeners]) l(event);
  }
}

function withText(r: AnnotationRecord, text: string): AnnotationRecord {
  const slice = text.slice(r.start, r.end);
  return slice === r.text ? r : { ...r, text: slice };
}
