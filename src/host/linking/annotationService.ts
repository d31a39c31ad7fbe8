import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnnotationStore } from '../../core/annotations/annotationStore';
import { ANNOTATION_DIR } from '../../core/annotations/annotationPaths';
import type { DocumentAnnotations } from '../../core/annotations/documentAnnotations';
import { LinkerError } from '../../core/errors';
import type { Logger } from '../../core/log';
import { Disposable } from '../disposable';
import { type AnnotatorSettings, readAnnotatorSettings } from './annotatorSettings';
import { plural } from '../../shared/plural';

/**
 * Wires the annotation store to VS Code: one AnnotationStore per workspace folder (files under
 * `<folder>/.entity-links/`), one DocumentAnnotations per open document. Edits move annotations live; a
 * document changed outside VS Code is re-anchored on open and what could not be placed is flagged; a corrupt
 * annotation file is reported once (path and line, what to do) and left untouched.
 */
export class AnnotationService extends Disposable {
  private readonly stores = new Map<string, AnnotationStore>();
  private readonly docs = new Map<string, DocumentAnnotations>();
  private readonly opening = new Map<string, Promise<DocumentAnnotations | undefined>>();
  private readonly unsubscribe = new Map<string, () => void>();
  /** Annotation files already reported corrupt, so the user sees each once. */
  private readonly reportedCorrupt = new Set<string>();
  private readonly emitter = this.register(new vscode.EventEmitter<vscode.Uri>());
  readonly onDidChange = this.emitter.event;

  /** `annotator`: who decides, and whether into their own files (annotatorSettings.ts; read when a folder's store is made). */
  constructor(private readonly logger: Logger, private readonly annotator: () => AnnotatorSettings = () => readAnnotatorSettings(vscode.workspace.getConfiguration('entityLinker'), (m) => logger.warn(m))) {
    super();
  }

  /** The document's annotations, when it is open and its file could be read. */
  get(uri: vscode.Uri): DocumentAnnotations | undefined {
    return this.docs.get(uri.toString());
  }

  /** The workspace folder and relative path a document is stored under; undefined outside every folder. */
  location(uri: vscode.Uri): { folder: vscode.WorkspaceFolder; relPath: string } | undefined {
    if (uri.scheme !== 'file') return undefined;
    const folder = vscode.workspace.getWorkspaceFolder(uri);
    if (folder === undefined) return undefined;
    const relPath = path.relative(folder.uri.fsPath, uri.fsPath).split(path.sep).join('/');
    if (relPath === '' || relPath.startsWith('..') || relPath.split('/')[0] === ANNOTATION_DIR) return undefined;
    return { folder, relPath };
  }

  store(folder: vscode.WorkspaceFolder): AnnotationStore {
    const key = folder.uri.toString();
    let store = this.stores.get(key);
    if (store === undefined) {
      const annotator = this.annotator();
      store = new AnnotationStore({ workspaceRoot: folder.uri.fsPath, logger: this.logger, annotator: annotator.name, ownFiles: annotator.ownFiles });
      this.stores.set(key, store);
    }
    return store;
  }

  /**
   * The annotator setting changed: labels from now on go to the new annotator's files, at once. Each open
   * document's annotations are closed under the previous annotator (saved as `close` saves them) and opened
   * again from the new annotator's file (its own labels, re-anchored to the current text), so the editor shows
   * the new annotator's decisions. Resolves to whether anything changed.
   */
  async annotatorChanged(): Promise<boolean> {
    const next = this.annotator();
    const stale = [...this.stores.values()].some((s) => s.annotator !== next.name || s.ownFiles !== next.ownFiles);
    if (!stale) return false;
    await Promise.allSettled([...this.opening.values()]);
    const open = vscode.workspace.textDocuments.filter((d) => this.docs.has(d.uri.toString()));
    for (const document of open) await this.close(document);
    this.stores.clear();
    this.logger.info(`Annotator: labels now go to ${next.ownFiles ? `${ANNOTATION_DIR}/@${next.name}/` : `the shared ${ANNOTATION_DIR}/ files as "${next.name}"`}; ${plural(open.length, 'open document')} reopened with their labels.`);
    for (const document of open) await this.open(document);
    return true;
  }

  /** The annotation file of a document (whether or not it exists yet). */
  fileFor(uri: vscode.Uri): string | undefined {
    const where = this.location(uri);
    return where === undefined ? undefined : this.store(where.folder).fileFor(where.relPath);
  }

  /** Opens a document's annotations (re-anchoring if the text changed outside VS Code). */
  open(document: vscode.TextDocument): Promise<DocumentAnnotations | undefined> {
    const key = document.uri.toString();
    const known = this.docs.get(key);
    if (known !== undefined) {
      this.resync(document, known);
      return Promise.resolve(known);
    }
    let pending = this.opening.get(key);
    if (pending === undefined) {
      pending = this.load(document).finally(() => this.opening.delete(key));
      this.opening.set(key, pending);
    }
    return pending;
  }

  /** Follows an edit of an open document (offsets in contentChanges are in the text before the batch). */
  onEdit(event: vscode.TextDocumentChangeEvent): void {
    const doc = this.docs.get(event.document.uri.toString());
    if (doc === undefined || event.contentChanges.length === 0) return;
    doc.applyEdit(event.contentChanges.map((c) => ({ start: c.rangeOffset, end: c.rangeOffset + c.rangeLength, text: c.text })));
    this.resync(event.document, doc);
  }

  /** Writes a document's annotations when its text is saved (the file's header then matches the text on disk). */
  async onSaved(document: vscode.TextDocument): Promise<void> {
    const doc = this.docs.get(document.uri.toString());
    if (doc !== undefined && doc.dirty && doc.readOnly === undefined) await doc.save();
  }

  async close(document: vscode.TextDocument): Promise<void> {
    const key = document.uri.toString();
    const doc = this.docs.get(key);
    if (doc === undefined) return;
    this.docs.delete(key);
    this.unsubscribe.get(key)?.();
    this.unsubscribe.delete(key);
    const where = this.location(document.uri);
    // Offsets followed unsaved edits; on disk the document has its saved text, so save only a clean document.
    if (doc.dirty && doc.readOnly === undefined && !document.isDirty) await doc.save().catch((e: unknown) => this.logger.error(e as Error));
    if (where !== undefined) this.store(where.folder).close(where.relPath);
  }

  /** Runs one annotation action and saves at once. Refuses (with the reason) for a document whose file is corrupt. */
  async act(uri: vscode.Uri, action: (doc: DocumentAnnotations) => void): Promise<DocumentAnnotations> {
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
    const doc = await this.open(document);
    if (doc === undefined) {
      throw new LinkerError('usage', `${document.uri.fsPath} has no annotation store.`, {
        hint: this.fileFor(uri) === undefined ? 'Only files inside a workspace folder can be annotated.' : 'Its annotation file could not be read; fix it (see the error) and reopen the document.',
      });
    }
    if (doc.readOnly !== undefined) throw doc.readOnly;
    action(doc);
    await doc.save();
    return doc;
  }

  /** Every open document's annotations (the tree view's current state). */
  openDocuments(): ReadonlyMap<string, DocumentAnnotations> {
    return this.docs;
  }

  private async load(document: vscode.TextDocument): Promise<DocumentAnnotations | undefined> {
    const where = this.location(document.uri);
    if (where === undefined) return undefined;
    const store = this.store(where.folder);
    try {
      const doc = await store.open(where.relPath, document.getText());
      const key = document.uri.toString();
      this.docs.set(key, doc);
      this.unsubscribe.set(key, doc.onDidChange(() => this.emitter.fire(document.uri)));
      this.resync(document, doc);
      const result = doc.reanchored;
      if (result !== undefined) {
        const flagged = result.placedUncertain + result.unplaced;
        this.logger.info(`${where.relPath}: the text changed outside VS Code; annotations re-anchored (${result.unchanged} in place, ${result.moved} moved, ${flagged} flagged for review).`);
        if (flagged > 0) {
          void vscode.window.showWarningMessage(`Entity Linker: ${where.relPath} changed outside VS Code. ${plural(flagged, 'annotation')} could not be placed with certainty and are flagged for review (see the Mentions view).`);
        }
      }
      this.emitter.fire(document.uri);
      return doc;
    } catch (e) {
      this.reportOpenFailure(store.fileFor(where.relPath), e);
      return undefined;
    }
  }

  /** Catches a missed edit (the tracked text differs from the document): re-anchors instead of drifting. */
  private resync(document: vscode.TextDocument, doc: DocumentAnnotations): void {
    const text = document.getText();
    if (doc.text !== text) {
      this.logger.debug(`${document.uri.fsPath}: annotation text out of step with the document; re-anchoring.`);
      doc.syncText(text);
    }
  }

  private reportOpenFailure(file: string, e: unknown): void {
    const error = e instanceof Error ? e : new Error(String(e));
    this.logger.error(error);
    if (!LinkerError.is(e, 'annotationCorrupt') || this.reportedCorrupt.has(file)) return;
    this.reportedCorrupt.add(file);
    const open = 'Open Annotation File';
    void vscode.window.showErrorMessage(`Entity Linker: cannot read annotations. ${error.message}`, open).then(async (picked) => {
      if (picked !== open) return;
      const line = LinkerError.is(e) ? (e.location.line ?? 1) : 1;
      const editor = await vscode.window.showTextDocument(vscode.Uri.file(file));
      const position = new vscode.Position(Math.max(0, line - 1), 0);
      editor.selection = new vscode.Selection(position, position);
      editor.revealRange(new vscode.Range(position, position));
    });
  }

  /** Forgets that a file was reported corrupt (it was fixed, or the user asked to retry). */
  forgetReported(file: string): void {
    this.reportedCorrupt.delete(file);
  }
}
