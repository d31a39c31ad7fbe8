import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnnotationStore } from '../../../src/core/annotations/annotationStore';
import type { DocumentAnnotations, NewAnnotation } from '../../../src/core/annotations/documentAnnotations';
import type { Entity } from '../../../src/core/kb/entity';
import { PANEL_TEST_KB, PANEL_TEST_TEXT } from './panelFixtureData';
import { silentLogger } from '../../../src/core/log';
import { type LinkingSession, openLinkingSession } from '../../../src/core/session/linkingSession';
import type { LabelledMention, MentionBackend, MentionDetails, MentionRef } from '../../../src/host/linking/mentionBackend';

/**
 * A MentionBackend for the panel tests, backed by the real core: a LinkingSession (the built-in encoder, a tiny
 * JSON-lines KB, an exact index) ranks every span, and an AnnotationStore holds the labels. Only the editor
 * parts (decorations, workers) are left out, so what the panels show is real linker output.
 */
interface TestDocument {
  readonly uri: vscode.Uri;
  readonly name: string;
  readonly annotations: DocumentAnnotations;
}

export class PanelTestBackend implements MentionBackend {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  readonly revealed: MentionRef[] = [];

  private constructor(readonly session: LinkingSession, readonly store: AnnotationStore, readonly docs: readonly TestDocument[], readonly root: string) {}

  /** The first document (the only one unless `documents` was given). */
  get doc(): DocumentAnnotations {
    return this.docs[0].annotations;
  }

  get uri(): vscode.Uri {
    return this.docs[0].uri;
  }

  /**
   * Writes the KB and the document(s) (to `root`, default a new temp folder), opens the session and labels the
   * mentions. By default one document, notes.txt, with three labels; with `documents`/`copies` (the scale test)
   * each document repeats the text `copies` times with four labels a copy, some of them deliberately wrong.
   */
  static async create(extensionPath: string, root = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-test-')), scale?: { documents: number; copies: number }): Promise<PanelTestBackend> {
    const kbFile = path.join(root, 'kb.jsonl');
    fs.writeFileSync(kbFile, PANEL_TEST_KB.map((e) => JSON.stringify(e)).join('\n') + '\n');
    const session = await openLinkingSession({ kbSources: [{ path: kbFile, format: 'jsonl' }], packageRoot: extensionPath, provider: 'cpu', cacheDir: path.join(root, 'cache'), indexKind: 'exact', logger: silentLogger });
    const store = new AnnotationStore({ workspaceRoot: root, annotator: 'panel-test' });
    const docs: TestDocument[] = [];
    const copies = scale?.copies ?? 1;
    const text = PANEL_TEST_TEXT.repeat(copies);
    for (let d = 0; d < (scale?.documents ?? 1); d++) {
      const name = scale === undefined ? 'notes.txt' : `doc${String(d).padStart(4, '0')}.txt`;
      if (!fs.existsSync(path.join(root, name))) fs.writeFileSync(path.join(root, name), text);
      const annotations = await store.open(name, text);
      const labels: NewAnnotation[] = [];
      for (let c = 0; c < copies; c++) {
        const base = c * PANEL_TEST_TEXT.length;
        const at = (surface: string, nth = 0) => {
          let i = -1;
          for (let n = 0; n <= nth; n++) i = PANEL_TEST_TEXT.indexOf(surface, i + 1);
          return { start: base + i, end: base + i + surface.length };
        };
        const firstDublin = scale === undefined ? 'Q1' : (['Q1', 'Q1', 'Q2', 'Q3'] as const)[(c + d) % 4];
        labels.push({ ...at('Dublin'), kbId: firstDublin, status: 'accepted' }, { ...at('Liffey'), kbId: 'Q10', title: 'Liffey', status: 'accepted' }, { ...at('Dublin', 1), kbId: 'Q1', title: 'Dublin', status: 'accepted' });
        if (scale !== undefined) labels.push({ ...at('Ireland'), kbId: (c + d) % 7 === 0 ? null : 'Q11', status: (c + d) % 7 === 0 ? 'nil' : 'accepted' });
      }
      // A folder labelled before (the window reloaded) keeps its labels.
      if (annotations.records.length === 0) {
        annotations.addMany(labels.map((l) => ({ ...l, ...(l.kbId === 'Q1' ? { title: 'Dublin' } : {}) })));
        await annotations.save();
      }
      docs.push({ uri: vscode.Uri.file(path.join(root, name)), name, annotations });
    }
    return new PanelTestBackend(session, store, docs, root);
  }

  refOf(annotationId: string, doc = this.docs[0]): MentionRef {
    const r = doc.annotations.get(annotationId);
    if (r === undefined) throw new Error(`no annotation ${annotationId}`);
    return { uri: doc.uri.toString(), start: r.start, end: r.end, annotationId };
  }

  async mentionAt(uri: vscode.Uri, offset: number): Promise<MentionDetails | undefined> {
    const doc = this.docs.find((d) => d.uri.toString() === uri.toString());
    const r = doc?.annotations.records.find((x) => x.start <= offset && offset <= x.end);
    return doc === undefined || r === undefined ? undefined : this.details(this.refOf(r.id, doc));
  }

  async details(ref: MentionRef, signal?: AbortSignal): Promise<MentionDetails | undefined> {
    const doc = this.docOf(ref);
    const annotation = ref.annotationId === undefined ? undefined : doc.annotations.get(ref.annotationId);
    const start = annotation?.start ?? ref.start;
    const end = annotation?.end ?? ref.end;
    const text = doc.annotations.text;
    const [linked] = await this.session.linker.linkSpans(text, [{ start, end }], { signal });
    if (linked === undefined) return undefined;
    return { ref: { ...ref, start, end }, text: text.slice(start, end), before: text.slice(Math.max(0, start - 60), start), after: text.slice(end, end + 60), ...(annotation === undefined ? {} : { annotation }), linked };
  }

  async labelledMentions(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<LabelledMention[]> {
    const out: LabelledMention[] = [];
    for (const [i, doc] of this.docs.entries()) {
      const records = doc.annotations.records.filter((r) => r.status === 'accepted' || r.status === 'nil');
      const linked = await this.session.linker.linkSpans(doc.annotations.text, records.map((r) => ({ start: r.start, end: r.end })), { signal });
      records.forEach((annotation, j) => out.push({ uri: doc.uri.toString(), document: doc.name, annotation, linked: linked[j] }));
      onProgress?.(i + 1, this.docs.length);
    }
    return out;
  }

  async entity(id: string): Promise<Entity | undefined> {
    const row = this.session.kb.rowOf(id);
    return row === undefined ? undefined : this.session.kb.entities[row];
  }

  async relabel(ref: MentionRef, kbId: string): Promise<void> {
    this.docOf(ref).annotations.relink(this.idOf(ref), kbId, (await this.entity(kbId))?.title);
    await this.saved(ref);
  }

  async markNil(ref: MentionRef): Promise<void> {
    this.docOf(ref).annotations.markNil(this.idOf(ref));
    await this.saved(ref);
  }

  async declareDuplicate(ref: MentionRef, entityId: string): Promise<void> {
    this.docOf(ref).annotations.declareDuplicate(this.idOf(ref), entityId);
    await this.saved(ref);
  }

  async reveal(ref: MentionRef): Promise<void> {
    this.revealed.push(ref);
    const document = await vscode.workspace.openTextDocument(this.docOf(ref).uri);
    const range = new vscode.Range(document.positionAt(ref.start), document.positionAt(ref.end));
    await vscode.window.showTextDocument(document, { selection: range, preview: false, viewColumn: vscode.ViewColumn.One });
  }

  async dispose(removeFolder = true): Promise<void> {
    this.emitter.dispose();
    await this.session.dispose();
    if (removeFolder) fs.rmSync(this.root, { recursive: true, force: true });
  }

  private idOf(ref: MentionRef): string {
    if (ref.annotationId === undefined) throw new Error('the test backend acts on stored mentions only');
    return ref.annotationId;
  }

  private docOf(ref: MentionRef): TestDocument {
    const doc = this.docs.find((d) => d.uri.toString() === ref.uri);
    if (doc === undefined) throw new Error(`not a test document: ${ref.uri}`);
    return doc;
  }

  private async saved(ref: MentionRef): Promise<void> {
    await this.docOf(ref).annotations.save();
    this.emitter.fire();
  }
}
