import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { AnnotationStore } from '../../../src/core/annotations/annotationStore';
import type { DocumentAnnotations } from '../../../src/core/annotations/documentAnnotations';
import type { Entity } from '../../../src/core/kb/entity';
import { silentLogger } from '../../../src/core/log';
import { type LinkingSession, openLinkingSession } from '../../../src/core/session/linkingSession';
import type { LabelledMention, MentionBackend, MentionDetails, MentionRef } from '../../../src/host/linking/mentionBackend';

/**
 * A MentionBackend for the panel tests, backed by the real core: a LinkingSession (the built-in encoder, a tiny
 * JSON-lines KB, an exact index) ranks every span, and an AnnotationStore holds the labels. Only the editor
 * parts (decorations, workers) are left out, so what the panels show is real linker output.
 */
export const PANEL_TEST_KB: readonly Entity[] = [
  { id: 'Q1', title: 'Dublin', text: 'Dublin is the capital city of Ireland, on the river Liffey.', aliases: ['Baile Átha Cliath'], type: 'city' },
  { id: 'Q2', title: 'Dublin, Ohio', text: 'Dublin is a city in Ohio in the United States, a suburb of Columbus.', aliases: [], type: 'city' },
  { id: 'Q3', title: 'Dublin (band)', text: '<img src=x onerror="document.title=\'pwned\'"><script>document.title=\'pwned\'</script> An Irish folk band named after the city.', aliases: ['Dublin'], type: 'band' },
  { id: 'Q4', title: 'Dublin Bay', text: 'Dublin Bay is a bay of the Irish Sea on the east coast of Ireland.', aliases: [], type: 'bay' },
  { id: 'Q10', title: 'Liffey', text: 'The Liffey is a river in Ireland that flows through Dublin.', aliases: ['River Liffey'], type: 'river' },
  { id: 'Q11', title: 'Ireland', text: 'Ireland is an island in the North Atlantic, west of Great Britain.', aliases: [], type: 'island' },
  { id: 'Q12', title: 'Ohio', text: 'Ohio is a state in the Midwestern United States.', aliases: [], type: 'state' },
];

export const PANEL_TEST_TEXT = 'Dublin is the capital of Ireland. The river Liffey flows through Dublin on its way to the sea.\n';

export class PanelTestBackend implements MentionBackend {
  private readonly emitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.emitter.event;
  readonly revealed: MentionRef[] = [];

  private constructor(readonly session: LinkingSession, readonly store: AnnotationStore, readonly doc: DocumentAnnotations, readonly uri: vscode.Uri, readonly root: string) {}

  /**
   * Writes the KB and the document (to `root`, default a new temp folder), opens the session and labels three
   * mentions.
   */
  static async create(extensionPath: string, root = fs.mkdtempSync(path.join(os.tmpdir(), 'panel-test-'))): Promise<PanelTestBackend> {
    const kbFile = path.join(root, 'kb.jsonl');
    fs.writeFileSync(kbFile, PANEL_TEST_KB.map((e) => JSON.stringify(e)).join('\n') + '\n');
    fs.writeFileSync(path.join(root, 'notes.txt'), PANEL_TEST_TEXT);
    const session = await openLinkingSession({ kbSources: [{ path: kbFile, format: 'jsonl' }], packageRoot: extensionPath, provider: 'cpu', cacheDir: path.join(root, 'cache'), indexKind: 'exact', logger: silentLogger });
    const store = new AnnotationStore({ workspaceRoot: root, annotator: 'panel-test' });
    const doc = await store.open('notes.txt', PANEL_TEST_TEXT);
    const at = (s: string, nth = 0) => {
      let i = -1;
      for (let n = 0; n <= nth; n++) i = PANEL_TEST_TEXT.indexOf(s, i + 1);
      return { start: i, end: i + s.length };
    };
    doc.addMany([{ ...at('Dublin'), kbId: 'Q1', title: 'Dublin', status: 'accepted' }, { ...at('Liffey'), kbId: 'Q10', title: 'Liffey', status: 'accepted' }, { ...at('Dublin', 1), kbId: 'Q1', title: 'Dublin', status: 'accepted' }]);
    await doc.save();
    return new PanelTestBackend(session, store, doc, vscode.Uri.file(path.join(root, 'notes.txt')), root);
  }

  refOf(annotationId: string): MentionRef {
    const r = this.doc.get(annotationId);
    if (r === undefined) throw new Error(`no annotation ${annotationId}`);
    return { uri: this.uri.toString(), start: r.start, end: r.end, annotationId };
  }

  async mentionAt(uri: vscode.Uri, offset: number): Promise<MentionDetails | undefined> {
    const r = this.doc.records.find((x) => x.start <= offset && offset <= x.end);
    return uri.toString() === this.uri.toString() && r !== undefined ? this.details(this.refOf(r.id)) : undefined;
  }

  async details(ref: MentionRef, signal?: AbortSignal): Promise<MentionDetails | undefined> {
    const annotation = ref.annotationId === undefined ? undefined : this.doc.get(ref.annotationId);
    const start = annotation?.start ?? ref.start;
    const end = annotation?.end ?? ref.end;
    const [linked] = await this.session.linker.linkSpans(this.doc.text, [{ start, end }], { signal });
    if (linked === undefined) return undefined;
    const text = this.doc.text;
    return { ref: { ...ref, start, end }, text: text.slice(start, end), before: text.slice(Math.max(0, start - 60), start), after: text.slice(end, end + 60), ...(annotation === undefined ? {} : { annotation }), linked };
  }

  async labelledMentions(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<LabelledMention[]> {
    const records = this.doc.records.filter((r) => r.status === 'accepted' || r.status === 'nil');
    const linked = await this.session.linker.linkSpans(this.doc.text, records.map((r) => ({ start: r.start, end: r.end })), { signal });
    onProgress?.(1, 1);
    return records.map((annotation, i) => ({ uri: this.uri.toString(), document: 'notes.txt', annotation, linked: linked[i] }));
  }

  async entity(id: string): Promise<Entity | undefined> {
    const row = this.session.kb.rowOf(id);
    return row === undefined ? undefined : this.session.kb.entities[row];
  }

  async relabel(ref: MentionRef, kbId: string): Promise<void> {
    this.doc.relink(this.idOf(ref), kbId, (await this.entity(kbId))?.title);
    await this.saved();
  }

  async markNil(ref: MentionRef): Promise<void> {
    this.doc.markNil(this.idOf(ref));
    await this.saved();
  }

  async declareDuplicate(ref: MentionRef, entityId: string): Promise<void> {
    this.doc.declareDuplicate(this.idOf(ref), entityId);
    await this.saved();
  }

  async reveal(ref: MentionRef): Promise<void> {
    this.revealed.push(ref);
    const document = await vscode.workspace.openTextDocument(this.uri);
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

  private async saved(): Promise<void> {
    await this.doc.save();
    this.emitter.fire();
  }
}
