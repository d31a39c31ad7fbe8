import * as path from 'node:path';
import * as vscode from 'vscode';
import { ANNOTATION_DIR } from '../../core/annotations/annotationPaths';
import type { AnnotationStatus } from '../../core/annotations/annotationRecord';
import type { Logger } from '../../core/log';
import { Disposable } from '../disposable';
import type { EditorMention, MentionStatus } from '../linking/editorMention';
import type { MentionService } from '../linking/mentionService';
import { documentChildren, type MentionTreeNode } from './mentionTreeNodes';

const STATUS_LABEL: Record<MentionStatus, string> = { needsReview: 'Needs review', predicted: 'Predicted', suggested: 'Suggested', accepted: 'Accepted', nil: 'NIL', rejected: 'Rejected' };
const STATUS_ICON: Record<MentionStatus, string> = { needsReview: 'warning', predicted: 'sparkle', suggested: 'lightbulb', accepted: 'pass', nil: 'circle-slash', rejected: 'close' };

type Node = MentionTreeNode;

/**
 * The Mentions view: the current document's mentions grouped by status (with counts; a hint row when it has
 * none), and the workspace's annotation files with their counts per status. Selecting a mention reveals it in the editor.
 */
export class MentionTree extends Disposable implements vscode.TreeDataProvider<Node> {
  private readonly emitter = this.register(new vscode.EventEmitter<Node | undefined>());
  readonly onDidChangeTreeData = this.emitter.event;
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly mentions: MentionService, private readonly logger: Logger) {
    super();
    this.register(mentions.onDidChange(() => this.refreshSoon()));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.refreshSoon()));
    this.register({ dispose: () => this.pending !== undefined && clearTimeout(this.pending) });
  }

  refreshSoon(): void {
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.emitter.fire(undefined);
    }, 250);
  }

  getTreeItem(node: Node): vscode.TreeItem {
    switch (node.kind) {
      case 'scope': {
        const item = new vscode.TreeItem(node.scope === 'document' ? 'Current document' : 'Workspace', vscode.TreeItemCollapsibleState.Expanded);
        item.description = node.scope === 'document' ? (vscode.window.activeTextEditor === undefined ? 'no editor' : path.basename(vscode.window.activeTextEditor.document.uri.fsPath)) : undefined;
        return item;
      }
      case 'group': {
        const item = new vscode.TreeItem(STATUS_LABEL[node.status], node.status === 'needsReview' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed);
        item.description = String(node.mentions.length);
        item.iconPath = new vscode.ThemeIcon(STATUS_ICON[node.status]);
        return item;
      }
      case 'mention': {
        const m = node.mention;
        const document = vscode.window.activeTextEditor?.document;
        const where = document?.uri.toString() === node.uri && m.anchored ? rowContext(document, m) : undefined;
        // The line first, so two rows of the same name and entity can be told apart at a glance.
        const item = new vscode.TreeItem(where === undefined ? m.text : `${where.line}: ${m.text}`, vscode.TreeItemCollapsibleState.None);
        const entity = m.title ?? m.kbId ?? (m.status === 'nil' ? 'NIL' : '');
        item.description = [entity === '' ? undefined : `→ ${entity}`, where?.snippet].filter((x) => x !== undefined).join('  ');
        item.tooltip = `${m.text}${where === undefined ? '' : ` (line ${where.line})`}${m.confidence === undefined ? '' : `, confidence ${Math.round(m.confidence * 100)} %`}${m.anchored ? '' : ' (not found in the current text)'}${where === undefined ? '' : `\n${where.snippet}`}`;
        item.command = { title: 'Reveal', command: 'entityLinker.revealMention', arguments: [{ uri: node.uri, start: m.start, end: m.end, ...(m.annotation === undefined ? {} : { annotationId: m.annotation.id }) }] };
        item.contextValue = `mention.${m.status}`;
        return item;
      }
      case 'hint': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = node.description;
        item.tooltip = `${node.label}: ${node.description}.`;
        item.iconPath = new vscode.ThemeIcon('info');
        return item;
      }
      case 'file': {
        const item = new vscode.TreeItem(node.label, vscode.TreeItemCollapsibleState.None);
        item.description = [...node.counts].map(([status, n]) => `${STATUS_LABEL[status]} ${n}`).join(' · ');
        item.resourceUri = vscode.Uri.parse(node.uri);
        item.command = { title: 'Open', command: 'vscode.open', arguments: [vscode.Uri.parse(node.uri)] };
        return item;
      }
    }
  }

  async getChildren(node?: Node): Promise<Node[]> {
    if (node === undefined) return [{ kind: 'scope', scope: 'document' }, { kind: 'scope', scope: 'workspace' }];
    if (node.kind === 'scope' && node.scope === 'document') {
      const document = vscode.window.activeTextEditor?.document;
      if (document === undefined) return [];
      return documentChildren(document.uri.toString(), this.mentions.mentionsOf(document), this.mentions.linking.isTracked(document.uri), process.platform);
    }
    if (node.kind === 'scope') return this.workspaceFiles();
    if (node.kind === 'group') return node.mentions.map((mention) => ({ kind: 'mention' as const, uri: node.uri, mention }));
    return [];
  }

  private async workspaceFiles(): Promise<Node[]> {
    const out: Node[] = [];
    for (const file of await vscode.workspace.findFiles(`**/${ANNOTATION_DIR}/**/*.jsonl`, undefined, 2000)) {
      const folder = vscode.workspace.getWorkspaceFolder(file);
      if (folder === undefined) continue;
      const rel = path.relative(path.join(folder.uri.fsPath, ANNOTATION_DIR), file.fsPath).split(path.sep).join('/').replace(/\.jsonl$/, '');
      const docUri = vscode.Uri.joinPath(folder.uri, ...rel.split('/'));
      try {
        const records = this.mentions.annotations.get(docUri)?.records ?? (await this.mentions.annotations.store(folder).readRecords(rel));
        const counts = new Map<AnnotationStatus, number>();
        for (const r of records) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
        out.push({ kind: 'file', uri: docUri.toString(), label: rel, counts });
      } catch (e) {
        this.logger.warn(`Mentions view: ${(e as Error).message}`);
      }
    }
    return out.sort((a, b) => (a.kind === 'file' && b.kind === 'file' ? a.label.localeCompare(b.label) : 0));
  }
}

const SNIPPET_SIDE = 28;

/** The 1-based line of a mention and a short snippet of its context ("…co-founded [Apple], the…"). */
function rowContext(document: vscode.TextDocument, m: EditorMention): { line: number; snippet: string } {
  const text = document.getText();
  const before = text.slice(Math.max(0, m.start - SNIPPET_SIDE), m.start).replace(/\s+/g, ' ');
  const after = text.slice(m.end, m.end + SNIPPET_SIDE).replace(/\s+/g, ' ');
  const cutBefore = before.length >= SNIPPET_SIDE ? `…${before.slice(before.indexOf(' ') + 1)}` : before;
  const cutAfter = after.length >= SNIPPET_SIDE ? `${after.slice(0, after.lastIndexOf(' '))}…` : after;
  return { line: document.positionAt(m.start).line + 1, snippet: `${cutBefore.trimStart()}[${m.text}]${cutAfter.trimEnd()}` };
}

/**
 * The MentionRef of a Mentions-view item: commands run from the view's context menu receive the tree element
 * itself. Anything else gives undefined.
 */
export function mentionRefOfTreeItem(element: unknown): { uri: string; start: number; end: number; annotationId?: string } | undefined {
  if (typeof element !== 'object' || element === null) return undefined;
  const node = element as Partial<Extract<Node, { kind: 'mention' }>>;
  if (node.kind !== 'mention' || typeof node.uri !== 'string' || node.mention === undefined) return undefined;
  const m = node.mention;
  return { uri: node.uri, start: m.start, end: m.end, ...(m.annotation === undefined ? {} : { annotationId: m.annotation.id }) };
}
