import * as path from 'node:path';
import * as vscode from 'vscode';
import type { AnnotationRecord } from '../../core/annotations/annotationRecord';
import type { DocumentAnnotations, NewAnnotation } from '../../core/annotations/documentAnnotations';
import { LinkerError, throwIfAborted } from '../../core/errors';
import type { Entity } from '../../core/kb/entity';
import type { LinkedMention } from '../../core/linker/types';
import type { Logger } from '../../core/log';
import { Disposable } from '../disposable';
import type { AnnotationService } from './annotationService';
import type { DocumentLinking } from './documentLinking';
import { type EditorMention, mergeMentions } from './editorMention';
import type { LinkService } from './linkService';
import type { LabelledMention, MentionBackend, MentionDetails, MentionRef } from './mentionBackend';

const CONTEXT_CHARS = 240;

/**
 * The editor's one view of mentions: predictions (DocumentLinking) merged with decisions (AnnotationService),
 * and the labelling actions on them. Decorations, hovers, code actions, the tree and the panels
 * (MentionBackend) all read and act through it.
 */
export class MentionService extends Disposable implements MentionBackend {
  private readonly emitter = this.register(new vscode.EventEmitter<void>());
  readonly onDidChange = this.emitter.event;
  private readonly docEmitter = this.register(new vscode.EventEmitter<vscode.Uri>());
  /** Fires with the document whose mentions changed (predictions or annotations). */
  readonly onDidChangeDocument = this.docEmitter.event;

  constructor(
    readonly links: LinkService,
    readonly linking: DocumentLinking,
    readonly annotations: AnnotationService,
    private readonly ambiguousMargin: () => number,
    private readonly logger: Logger,
  ) {
    super();
    const changed = (uri: vscode.Uri): void => {
      this.docEmitter.fire(uri);
      this.emitter.fire();
    };
    this.register(linking.onDidChange(changed));
    this.register(annotations.onDidChange(changed));
    this.register(links.onDidChangeSession(() => this.emitter.fire()));
  }

  /** The document's mentions, sorted by span. */
  mentionsOf(document: vscode.TextDocument): EditorMention[] {
    const records = this.annotations.get(document.uri)?.records ?? [];
    return mergeMentions(document.getText(), records, this.linking.mentions(document.uri), { ambiguousMargin: this.ambiguousMargin() });
  }

  /** The anchored mention covering `offset` (its end included, so a cursor right after a word finds it). */
  editorMentionAt(document: vscode.TextDocument, offset: number): EditorMention | undefined {
    return this.mentionsOf(document).find((m) => m.anchored && m.start <= offset && offset <= m.end);
  }

  // --- actions on an editor mention (each one undoable step, saved at once) ---

  async acceptMention(document: vscode.TextDocument, mention: EditorMention, kbId?: string): Promise<void> {
    const id = kbId ?? topCandidateId(mention);
    if (id === undefined) throw new LinkerError('usage', `"${mention.text}" has no candidate to accept.`, { hint: 'Choose an entity (Choose Candidate) or mark it NIL.' });
    const title = await this.titleOf(mention, id);
    await this.annotations.act(document.uri, (doc) => {
      const record = storedRecord(doc, mention);
      if (record !== undefined) doc.relink(record.id, id, title);
      else doc.add(this.newAnnotation(mention, { kbId: id, title, status: 'accepted' }));
    });
  }

  async markMentionNil(document: vscode.TextDocument, mention: EditorMention): Promise<void> {
    await this.annotations.act(document.uri, (doc) => {
      const record = storedRecord(doc, mention);
      if (record !== undefined) doc.markNil(record.id);
      else doc.add(this.newAnnotation(mention, { kbId: null, status: 'nil' }));
    });
  }

  async rejectMention(document: vscode.TextDocument, mention: EditorMention): Promise<void> {
    await this.annotations.act(document.uri, (doc) => {
      const record = storedRecord(doc, mention);
      if (record !== undefined) doc.reject(record.id);
      else doc.add(this.newAnnotation(mention, { kbId: null, status: 'rejected' }));
    });
  }

  /** Rejects the mentions as one undoable step (Reject Remaining); returns how many. */
  async rejectMentions(document: vscode.TextDocument, mentions: readonly EditorMention[]): Promise<number> {
    if (mentions.length === 0) return 0;
    await this.annotations.act(document.uri, (doc) => {
      const stored = mentions.flatMap((m) => storedRecord(doc, m)?.id ?? []);
      const fresh = mentions.filter((m) => storedRecord(doc, m) === undefined).map((m) => this.newAnnotation(m, { kbId: null, status: 'rejected' }));
      doc.rejectMany(stored, fresh);
    });
    return mentions.length;
  }

  /** Accepts the top candidate of each mention as one undoable step (Accept Remaining); returns how many (those without a candidate are left). */
  async acceptMentions(document: vscode.TextDocument, mentions: readonly EditorMention[]): Promise<number> {
    const chosen = await Promise.all(mentions.map(async (m) => {
      const id = m.linked?.nil === true ? undefined : topCandidateId(m);
      return id === undefined ? undefined : { mention: m, id, title: await this.titleOf(m, id) };
    }));
    const taken = chosen.filter((c) => c !== undefined);
    if (taken.length === 0) return 0;
    await this.annotations.act(document.uri, (doc) => {
      const stored = taken.flatMap((c) => {
        const record = storedRecord(doc, c.mention);
        return record === undefined ? [] : [{ id: record.id, kbId: c.id, ...(c.title === undefined ? {} : { title: c.title }) }];
      });
      const fresh = taken.filter((c) => storedRecord(doc, c.mention) === undefined).map((c) => this.newAnnotation(c.mention, { kbId: c.id, title: c.title, status: 'accepted' }));
      doc.acceptMany(stored, fresh);
    });
    return taken.length;
  }

  /** Links a span the user selected and stores it as a suggestion (the ranked candidates, no decision yet). */
  async linkSpan(document: vscode.TextDocument, start: number, end: number): Promise<EditorMention> {
    const [linked] = await this.links.linkSpans(document.getText(), [{ start, end }]);
    const mention: EditorMention = { start, end, text: linked.text, status: 'predicted', style: 'predictedLow', linked, anchored: true };
    await this.annotations.act(document.uri, (doc) => {
      const existing = doc.records.find((r) => r.start === start && r.end === end);
      if (existing !== undefined) doc.remove(existing.id);
      doc.add(this.newAnnotation(mention, { kbId: null, status: 'suggested' }));
    });
    // The stored suggestion with the ranking just made (with its probabilities: Link Selection may accept the top one at once).
    const stored = this.mentionsOf(document).find((m) => m.start === start && m.end === end);
    return stored === undefined ? mention : { ...stored, linked: stored.linked ?? linked };
  }

  /** Accepts every prediction whose top candidate's probability is at least `threshold`, as one undoable step. */
  async acceptAllAbove(document: vscode.TextDocument, threshold: number): Promise<number> {
    const chosen = this.mentionsOf(document).filter((m) => m.status === 'predicted' && m.linked !== undefined && !m.linked.nil && (m.confidence ?? 0) >= threshold && m.kbId !== undefined);
    if (chosen.length === 0) return 0;
    await this.annotations.act(document.uri, (doc) => {
      doc.addMany(chosen.map((m) => this.newAnnotation(m, { kbId: m.kbId ?? null, title: m.title, status: 'accepted' })));
    });
    return chosen.length;
  }

  async undo(document: vscode.TextDocument): Promise<boolean> {
    let done = false;
    await this.annotations.act(document.uri, (doc) => (done = doc.undo()));
    return done;
  }

  async redo(document: vscode.TextDocument): Promise<boolean> {
    let done = false;
    await this.annotations.act(document.uri, (doc) => (done = doc.redo()));
    return done;
  }

  // --- MentionBackend (the panels) ---

  async mentionAt(uri: vscode.Uri, offset: number, signal?: AbortSignal): Promise<MentionDetails | undefined> {
    const document = await this.document(uri);
    const mention = this.editorMentionAt(document, offset);
    return mention === undefined ? undefined : this.detailsOf(document, mention, signal);
  }

  async details(ref: MentionRef, signal?: AbortSignal): Promise<MentionDetails | undefined> {
    const document = await this.document(vscode.Uri.parse(ref.uri));
    const mentions = this.mentionsOf(document);
    const mention = (ref.annotationId === undefined ? undefined : mentions.find((m) => m.annotation?.id === ref.annotationId)) ?? mentions.find((m) => m.start === ref.start && m.end === ref.end);
    if (mention !== undefined) return this.detailsOf(document, mention, signal);
    if (!(ref.start >= 0 && ref.end > ref.start && ref.end <= document.getText().length)) return undefined;
    const [linked] = await this.links.linkSpans(document.getText(), [{ start: ref.start, end: ref.end }], signal);
    return { ref, text: linked.text, ...contextOf(document.getText(), ref.start, ref.end), linked };
  }

  async labelledMentions(signal?: AbortSignal, onProgress?: (done: number, total: number) => void): Promise<LabelledMention[]> {
    const files = await vscode.workspace.findFiles('**/.entity-links/**/*.jsonl');
    const out: LabelledMention[] = [];
    let done = 0;
    for (const file of files) {
      throwIfAborted(signal);
      const folder = vscode.workspace.getWorkspaceFolder(file);
      if (folder === undefined) continue;
      const rel = path.relative(path.join(folder.uri.fsPath, '.entity-links'), file.fsPath).split(path.sep).join('/').replace(/\.jsonl$/, '');
      const docUri = vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
      try {
        const open = this.annotations.get(docUri);
        const records = (open?.records ?? (await this.annotations.store(folder).readRecords(rel))).filter((r) => r.status === 'accepted' || r.status === 'nil');
        if (records.length > 0) {
          const text = open?.text ?? new TextDecoder().decode(await vscode.workspace.fs.readFile(docUri));
          const anchored = records.filter((r) => r.end <= text.length && text.slice(r.start, r.end) === r.text);
          const linked = await this.links.linkSpans(text, anchored.map((r) => ({ start: r.start, end: r.end })), signal);
          anchored.forEach((annotation, i) => out.push({ uri: docUri.toString(), document: rel, annotation, linked: linked[i] }));
        }
      } catch (e) {
        if (LinkerError.is(e, 'cancelled')) throw e;
        this.logger.warn(`Skipped ${file.fsPath}: ${(e as Error).message}`);
      }
      onProgress?.(++done, files.length);
    }
    return out;
  }

  async entity(id: string): Promise<Entity | undefined> {
    return (await this.links.entities([id]))[0];
  }

  async relabel(ref: MentionRef, kbId: string): Promise<void> {
    const { document, mention } = await this.resolve(ref);
    await this.acceptMention(document, mention, kbId);
  }

  async markNil(ref: MentionRef): Promise<void> {
    const { document, mention } = await this.resolve(ref);
    await this.markMentionNil(document, mention);
  }

  async declareDuplicate(ref: MentionRef, entityId: string): Promise<void> {
    const { document, mention } = await this.resolve(ref);
    const record = mention.annotation;
    if (record === undefined) throw new LinkerError('usage', `"${mention.text}" has no label yet.`, { hint: 'Accept a candidate first; then declare duplicates of it.' });
    if (record.kbId === entityId || record.duplicateIds?.includes(entityId) === true) return;
    // One undoable step that adds to duplicateIds and keeps everything else (status, annotator, time, fields).
    await this.annotations.act(document.uri, (doc) => doc.declareDuplicate(record.id, entityId));
  }

  async reveal(ref: MentionRef): Promise<void> {
    const document = await this.document(vscode.Uri.parse(ref.uri));
    const mention = ref.annotationId === undefined ? undefined : this.mentionsOf(document).find((m) => m.annotation?.id === ref.annotationId);
    const start = document.positionAt(mention?.start ?? ref.start);
    const end = document.positionAt(mention?.end ?? ref.end);
    const editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
    editor.selection = new vscode.Selection(start, end);
    editor.revealRange(new vscode.Range(start, end), vscode.TextEditorRevealType.InCenterIfOutsideViewport);
  }

  // --- helpers ---

  private async resolve(ref: MentionRef): Promise<{ document: vscode.TextDocument; mention: EditorMention }> {
    const document = await this.document(vscode.Uri.parse(ref.uri));
    const mentions = this.mentionsOf(document);
    let mention = (ref.annotationId === undefined ? undefined : mentions.find((m) => m.annotation?.id === ref.annotationId)) ?? mentions.find((m) => m.start === ref.start && m.end === ref.end);
    if (mention === undefined) {
      const [linked] = await this.links.linkSpans(document.getText(), [{ start: ref.start, end: ref.end }]);
      mention = { start: ref.start, end: ref.end, text: linked.text, status: 'predicted', style: 'predictedLow', linked, anchored: true };
    }
    return { document, mention };
  }

  private async document(uri: vscode.Uri): Promise<vscode.TextDocument> {
    return vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString()) ?? (await vscode.workspace.openTextDocument(uri));
  }

  private async detailsOf(document: vscode.TextDocument, mention: EditorMention, signal?: AbortSignal): Promise<MentionDetails> {
    const text = document.getText();
    const linked: LinkedMention = mention.linked ?? (await this.links.linkSpans(text, [{ start: mention.start, end: mention.end }], signal))[0];
    return {
      ref: { uri: document.uri.toString(), start: mention.start, end: mention.end, ...(mention.annotation === undefined ? {} : { annotationId: mention.annotation.id }) },
      text: mention.text,
      ...contextOf(text, mention.start, mention.end),
      ...(mention.annotation === undefined ? {} : { annotation: mention.annotation }),
      linked,
    };
  }

  private async titleOf(mention: EditorMention, id: string): Promise<string | undefined> {
    const known = mention.linked?.candidates.find((c) => c.id === id)?.title ?? mention.annotation?.candidates.find((c) => c.id === id)?.title;
    return known ?? (await this.links.entities([id]).catch(() => [undefined]))[0]?.title;
  }

  private newAnnotation(mention: EditorMention, decision: { kbId: string | null; title?: string; status: NewAnnotation['status'] }): NewAnnotation {
    const candidates = (mention.linked?.candidates ?? mention.annotation?.candidates ?? []).map((c) => ({ id: c.id, title: c.title, score: c.score }));
    return {
      start: mention.start,
      end: mention.end,
      kbId: decision.kbId,
      ...(decision.title === undefined ? {} : { title: decision.title }),
      status: decision.status,
      candidates,
      modelVersion: this.links.info?.modelId.slice(0, 16) ?? '',
    };
  }
}

/** Up to CONTEXT_CHARS each side, cut at a sentence end where there is one. */
function contextOf(text: string, start: number, end: number): { before: string; after: string } {
  let before = text.slice(Math.max(0, start - CONTEXT_CHARS), start);
  const stop = before.search(/[.!?]\s+[^.!?]*$/);
  if (stop >= 0) before = before.slice(stop + 1).trimStart();
  let after = text.slice(end, end + CONTEXT_CHARS);
  const dot = after.search(/[.!?](\s|$)/);
  if (dot >= 0) after = after.slice(0, dot + 1);
  return { before, after };
}

/** The record a mention's annotation is in the document's store now (undefined: a prediction, or gone). */
function storedRecord(doc: DocumentAnnotations, m: EditorMention): AnnotationRecord | undefined {
  return m.annotation === undefined ? undefined : doc.get(m.annotation.id);
}

/** What Accept takes: the mention's entity, else its top candidate (the linker's, else the stored one's). */
function topCandidateId(m: EditorMention): string | undefined {
  return m.kbId ?? m.linked?.candidates[0]?.id ?? m.annotation?.candidates[0]?.id;
}
