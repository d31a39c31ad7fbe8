import { randomUUID } from 'node:crypto';
import { LinkerError } from '../errors';
import { type Logger, silentLogger } from '../log';
import { type AnnotationRecord, contentHashOf, headerFor, parseAnnotationFile, serializeAnnotationFile } from './annotationRecord';
import { ANNOTATION_DIR, ANNOTATOR_FOLDER_PREFIX, annotationFileFor, annotatorFileFor, normaliseDocPath } from './annotationPaths';
import * as path from 'node:path';
import { removeDeadTempFiles, writeTextAtomic } from '../atomicFile';
import { SerialQueue, backupCorruptFile, decodeStoreFile, readStoreBytes } from './storeFiles';
import { DocumentAnnotations } from './documentAnnotations';
import { reanchorRecords } from './reanchor';

export interface AnnotationStoreOptions {
  /** The workspace folder; annotation files live in `<workspaceRoot>/.entity-links/`. */
  readonly workspaceRoot: string;
  /** Written as `annotator` on records the user decides. Default 'user'. */
  readonly annotator?: string;
  /**
   * Team annotation: keep this annotator's labels in their own files, `.entity-links/@<annotator>/<doc>.jsonl`
   * (annotationPaths.annotatorFileFor), instead of the shared `.entity-links/<doc>.jsonl`. Default false.
   */
  readonly ownFiles?: boolean;
  readonly now?: () => Date;
  readonly newId?: () => string;
  readonly logger?: Logger;
}

/**
 * The annotation store of one workspace folder. Pure core: the host gives it paths and document texts and
 * forwards edits; it owns reading, re-anchoring, corruption handling and crash-safe saving.
 *
 * Guarantees: a save replaces the file atomically (temp + fsync + rename + fsync of the folder), saves of one
 * file never interleave, and a file this build cannot read completely (bad JSON, no header, unknown version)
 * is never written: opening it throws `annotationCorrupt` naming the file and line after a backup copy is made,
 * and the store refuses to save that document until the file reads cleanly again.
 */
export class AnnotationStore {
  readonly workspaceRoot: string;
  readonly annotator: string;
  /** Whether this annotator's labels are kept in their own files (team annotation). */
  readonly ownFiles: boolean;
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly logger: Logger;
  private readonly queue = new SerialQueue();
  private readonly open_ = new Map<string, DocumentAnnotations>();

  constructor(options: AnnotationStoreOptions) {
    this.workspaceRoot = options.workspaceRoot;
    this.annotator = options.annotator ?? 'user';
    this.ownFiles = options.ownFiles === true;
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? randomUUID;
    this.logger = options.logger ?? silentLogger;
  }

  /** The annotation file of a document (workspace-relative path). */
  fileFor(docRelPath: string): string {
    return this.ownFiles ? annotatorFileFor(this.workspaceRoot, this.annotator, docRelPath) : annotationFileFor(this.workspaceRoot, docRelPath);
  }

  /**
   * Loads a document's annotations for the given text, re-anchoring them when the file was saved for another
   * text. Opening an already open document returns the same object, brought to `text`.
   * @throws LinkerError 'annotationCorrupt' when the file cannot be read completely (a backup is made first).
   */
  async open(docRelPath: string, text: string): Promise<DocumentAnnotations> {
    const document = normaliseDocPath(docRelPath);
    const existing = this.open_.get(document);
    if (existing !== undefined) {
      existing.syncText(text);
      return existing;
    }
    const file = this.fileFor(document);
    const removed = await removeDeadTempFiles(file);
    if (removed > 0) this.logger.info(`Removed ${removed} temp file(s) of an interrupted save beside ${file}.`);
    const bytes = await readStoreBytes(file);
    let doc: DocumentAnnotations;
    if (bytes === undefined) {
      doc = new DocumentAnnotations(document, file, text, [], this.host(), undefined, true);
    } else {
      const parsed = await this.parseOrBackup(bytes, file);
      if (parsed.header.document !== document && this.isHomeOf(parsed.header.document, file)) {
        // Not a moved file: the path is also that document's own (a workspace folder named @<annotator>). Taking
        // it over would re-anchor that document's labels into this one and save them under this one's name.
        const folder = path.relative(path.join(this.workspaceRoot, ANNOTATION_DIR), file).split(path.sep)[0];
        throw new LinkerError('annotationCorrupt', `this file holds the labels of ${parsed.header.document}, not of ${document}: the workspace folder ${folder} and the annotator ${folder.slice(1)} share annotation file paths; it was not opened.`, {
          location: { file },
          hint: 'Rename that folder, or annotate under another annotator name (entityLinker.annotator).',
        });
      }
      if (parsed.header.document !== document) {
        this.logger.warn(`${file} names document ${parsed.header.document}, opened as ${document} (moved?); the next save records the new path.`);
      }
      if (parsed.header.contentHash === contentHashOf(text) && parsed.header.document === document) {
        doc = new DocumentAnnotations(document, file, text, parsed.records, this.host(), undefined, true);
      } else {
        const result = reanchorRecords(parsed.records, text, parsed.header.length);
        this.logger.info(`${document} changed since its annotations were saved: ${result.unchanged} in place, ${result.moved} moved, ${result.placedUncertain + result.unplaced} flagged for review.`);
        doc = new DocumentAnnotations(document, file, text, result.records, this.host(), result, false);
      }
    }
    this.open_.set(document, doc);
    return doc;
  }

  /** Whether `file` is where `document`'s labels live under either layout (the shared file, or an annotator's own). */
  private isHomeOf(document: string, file: string): boolean {
    let rel: string;
    try {
      rel = normaliseDocPath(document);
    } catch {
      return false;
    }
    if (annotationFileFor(this.workspaceRoot, rel) === file) return true;
    const inStore = path.relative(path.join(this.workspaceRoot, ANNOTATION_DIR), file).split(path.sep);
    const first = inStore[0] ?? '';
    return first.startsWith(ANNOTATOR_FOLDER_PREFIX) && annotatorFileFor(this.workspaceRoot, first.slice(ANNOTATOR_FOLDER_PREFIX.length), rel) === file;
  }

  /** Forgets an open document (its unsaved changes included: save first). */
  close(docRelPath: string): void {
    this.open_.delete(normaliseDocPath(docRelPath));
  }

  /** Reads a document's stored records without opening it (no re-anchoring, no backup). */
  async readRecords(docRelPath: string): Promise<AnnotationRecord[]> {
    const file = this.fileFor(docRelPath);
    const bytes = await readStoreBytes(file);
    return bytes === undefined ? [] : parseAnnotationFile(decodeStoreFile(bytes, file), file).records;
  }

  private host(): ConstructorParameters<typeof DocumentAnnotations>[4] {
    return { annotator: this.annotator, now: this.now, newId: this.newId, save: (doc, createEmpty) => this.write(doc, createEmpty) };
  }

  private async parseOrBackup(bytes: Uint8Array, file: string): Promise<ReturnType<typeof parseAnnotationFile>> {
    try {
      return parseAnnotationFile(decodeStoreFile(bytes, file), file);
    } catch (e) {
      if (LinkerError.is(e, 'annotationCorrupt')) {
        const backup = await backupCorruptFile(file, this.now());
        this.logger.error(`${e.message} (backup: ${backup})`);
        // Only here is a backup made, so only here does the message name one (and the real one).
        const where = e.location.file === undefined ? '' : `${e.location.file}${e.location.line === undefined ? '' : `:${e.location.line}`}: `;
        throw new LinkerError('annotationCorrupt', `${e.message.startsWith(where) ? e.message.slice(where.length) : e.message} A copy of the file is at ${backup}.`, { location: e.location, cause: e });
      }
      throw e;
    }
  }

  private write(doc: DocumentAnnotations, createEmpty: boolean): Promise<void> {
    // The content is taken now, in call order; the queue only orders the disk work.
    const { text, records } = doc.snapshotForSave();
    const content = serializeAnnotationFile(headerFor(doc.document, text), records);
    return this.queue.run(doc.file, async () => {
      // Never replace a file this build could not read back: it may be a newer version's, or hand-edited.
      let onDisk: Buffer | undefined;
      let same = false;
      try {
        onDisk = await readStoreBytes(doc.file);
        same = onDisk !== undefined && onDisk.equals(Buffer.from(content, 'utf8'));
        if (onDisk !== undefined && !same) await this.parseOrBackup(onDisk, doc.file);
      } catch (e) {
        if (LinkerError.is(e)) doc.markReadOnly(e);
        throw e;
      }
      if (onDisk === undefined && records.length === 0 && !createEmpty) return;
      if (!same) await writeTextAtomic(doc.file, content);
    });
  }
}
