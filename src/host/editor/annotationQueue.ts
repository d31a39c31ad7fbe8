import * as path from 'node:path';
import * as vscode from 'vscode';
import { ANNOTATION_DIR } from '../../core/annotations/annotationPaths';
import { settledWithin } from '../../core/deadline';
import type { Logger } from '../../core/log';
import { nextInQueue } from '../../core/simulation/documentQueue';
import { isUnresolved } from '../linking/editorMention';
import { isLinkable, type LinkingSettings } from '../linking/linkingSettings';
import type { MentionService } from '../linking/mentionService';
import { type AdvanceOrder, firstToVisit } from './annotationFlow';
import type { MentionReveal } from './mentionReveal';
import { plural } from '../../shared/plural';

/** File extensions of the languages the queue can list without opening a file (entityLinker.linking.languages). */
const LANGUAGE_EXTENSIONS: Readonly<Record<string, readonly string[]>> = { plaintext: ['txt'], markdown: ['md', 'markdown'] };
/** The most files the queue lists. */
const MAX_FILES = 10_000;
/** How long the queue waits for the next document to be linked before revealing it without suggestions. */
const LINK_WAIT_MS = 60_000;

/**
 * Cross-document auto-advance (entityLinker.annotation.advanceAcrossDocuments): the workspace files matching
 * the linking settings (entityLinker.linking.languages by extension: .txt, .md, .markdown, outside dot folders
 * and node_modules; and entityLinker.linking.include), in path order, each document once (core/simulation/documentQueue.ts). Moving on
 * opens the next document, waits for it to be linked and reveals its first open mention. It only opens and
 * reveals: nothing is written. Switching editor or moving the cursor while it links cancels the reveal.
 */
export class AnnotationQueue {
  /** Documents this session showed or decided in (URIs). */
  private readonly visited = new Set<string>();

  constructor(
    private readonly mentions: MentionService,
    private readonly reveal: MentionReveal,
    private readonly settings: () => LinkingSettings,
    private readonly order: () => AdvanceOrder,
    private readonly logger: Logger,
  ) {}

  /** Counts `document` as visited (a decision in it, or shown by the queue). */
  visit(document: vscode.TextDocument): void {
    this.visited.add(document.uri.toString());
  }

  /**
   * The queue's documents: linkable workspace files in path order. Files of the languages are listed by walking
   * the workspace folders (not the search service, which may honour ignore files); `include` patterns by findFiles.
   */
  async documents(): Promise<vscode.Uri[]> {
    const settings = this.settings();
    const extensions = new Set(settings.languages.flatMap((l) => LANGUAGE_EXTENSIONS[l] ?? []));
    const found: vscode.Uri[] = [];
    for (const folder of vscode.workspace.workspaceFolders ?? []) await walk(folder.uri, extensions, found);
    if (settings.include.length > 0) {
      const exclude = `**/{node_modules,.git,${ANNOTATION_DIR}}/**`;
      found.push(...(await Promise.all(settings.include.map((p) => vscode.workspace.findFiles(p, exclude, MAX_FILES)))).flat());
    }
    return [...new Map(found.map((u) => [u.toString(), u])).values()].sort((a, b) => (a.toString() < b.toString() ? -1 : 1));
  }

  /**
   * Opens the document after `from` in the queue and reveals its first open mention (or its start, saying it
   * has none). Resolves to the document shown, or undefined (queue done, or cancelled).
   */
  async advanceFrom(from: vscode.TextDocument): Promise<vscode.TextDocument | undefined> {
    this.visit(from);
    const uris = await this.documents();
    const open = (key: string): boolean => {
      const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
      return document !== undefined && this.mentions.mentionsOf(document).some((m) => m.anchored && isUnresolved(m));
    };
    const next = nextInQueue([...uris.map((u) => u.toString()), from.uri.toString()], from.uri.toString(), (key) => this.visited.has(key) && !open(key));
    this.logger.info(`Annotation queue: ${plural(uris.length, 'document')}; after ${vscode.workspace.asRelativePath(from.uri)} comes ${next === undefined ? 'none' : vscode.workspace.asRelativePath(vscode.Uri.parse(next))}.`);
    if (next === undefined) {
      void vscode.window.setStatusBarMessage('Entity Linker: every document of the annotation queue is done.', 6000);
      return undefined;
    }
    const uri = vscode.Uri.parse(next);
    const name = path.basename(uri.path);
    const message = vscode.window.setStatusBarMessage(`Entity Linker: next in the annotation queue: ${name}…`);
    let cancelled = false;
    const watchers: vscode.Disposable[] = [];
    try {
      const document = await vscode.workspace.openTextDocument(uri);
      if (!isLinkable(document, this.settings())) {
        this.visit(document);
        return this.advanceFrom(document);
      }
      const editor = await vscode.window.showTextDocument(document);
      this.visit(document);
      watchers.push(
        vscode.window.onDidChangeActiveTextEditor((e) => (cancelled ||= e !== editor)),
        vscode.window.onDidChangeTextEditorSelection((e) => (cancelled ||= e.textEditor === editor && e.kind !== undefined && e.kind !== vscode.TextEditorSelectionChangeKind.Command)),
      );
      await this.whenLinked(document);
      if (cancelled) {
        this.logger.info(`Annotation queue: ${name} shown; its first mention is not selected because the editor or the cursor moved while it was linked.`);
        return document;
      }
      const first = firstToVisit(this.mentions.mentionsOf(document).filter((m) => m.anchored && isUnresolved(m)), this.order());
      if (first === undefined) {
        void vscode.window.setStatusBarMessage(`Entity Linker: ${name} has no suggestions: Link Selection for what the linker missed, Next Unresolved (Ctrl+Alt+]) moves on.`, 8000);
        return document;
      }
      this.reveal.show(editor, first.start, first.end);
      return document;
    } finally {
      message.dispose();
      for (const w of watchers) w.dispose();
    }
  }

  private async whenLinked(document: vscode.TextDocument): Promise<void> {
    const linking = this.mentions.linking;
    const deadline = Date.now() + LINK_WAIT_MS;
    while (!linking.isTracked(document.uri) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
    await settledWithin(linking.whenIdle(document.uri), deadline - Date.now());
  }
}

/** Files under `dir` whose extension is one of `extensions`, skipping dot folders, node_modules and linked folders; at most MAX_FILES. */
async function walk(dir: vscode.Uri, extensions: ReadonlySet<string>, out: vscode.Uri[]): Promise<void> {
  if (extensions.size === 0) return;
  let entries: [string, vscode.FileType][];
  try {
    entries = await vscode.workspace.fs.readDirectory(dir);
  } catch {
    return;
  }
  for (const [name, type] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (out.length >= MAX_FILES) return;
    const uri = vscode.Uri.joinPath(dir, name);
    if (type & vscode.FileType.Directory) {
      // A linked folder is not followed: a link back up the tree would be walked again and again.
      if (!name.startsWith('.') && name !== 'node_modules' && !(type & vscode.FileType.SymbolicLink)) await walk(uri, extensions, out);
    } else if (type & vscode.FileType.File && extensions.has(path.extname(name).slice(1).toLowerCase())) {
      out.push(uri);
    }
  }
}
