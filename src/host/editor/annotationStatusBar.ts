import * as path from 'node:path';
import * as vscode from 'vscode';
import { Disposable } from '../disposable';
import type { MentionService } from '../linking/mentionService';
import { resolvedCount } from './annotationFlow';
import { plural } from '../../shared/plural';

/** Status bar priority: just left of the linker's KB/model item (101) and the encoder's (100). */
const PRIORITY = 102;

/**
 * The annotator's progress in the active document: "resolved / total" in the status bar (a click moves to the
 * next unresolved mention), and, once per document, a message when linking found no mention at all, naming
 * the KB it used, so an empty document is not mistaken for a linker still loading. One item with its own
 * refresh; other status items (the linker's, learning) live beside it as their own items.
 */
export class AnnotationStatusBar extends Disposable {
  private readonly item = this.register(vscode.window.createStatusBarItem('entityLinker.progress', vscode.StatusBarAlignment.Right, PRIORITY));
  /** Documents already told they have no mentions (told once each). */
  private readonly toldEmpty = new Set<string>();
  private pending: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly mentions: MentionService) {
    super();
    this.item.name = 'Entity Linker: Resolved Mentions';
    this.item.command = { title: 'Next Unresolved Mention', command: 'entityLinker.nextMention' };
    this.register(mentions.onDidChange(() => this.refreshSoon()));
    this.register(vscode.window.onDidChangeActiveTextEditor(() => this.refreshSoon()));
    this.register(mentions.linking.onDidChange((uri) => void this.checkEmpty(uri)));
    this.register(vscode.workspace.onDidCloseTextDocument((d) => this.toldEmpty.delete(d.uri.toString())));
    this.register({ dispose: () => clearTimeout(this.pending) });
    this.refresh();
  }

  refreshSoon(): void {
    if (this.pending !== undefined) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.refresh();
    }, 100);
  }

  refresh(): void {
    const document = vscode.window.activeTextEditor?.document;
    if (document === undefined || !this.mentions.linking.isTracked(document.uri)) {
      this.item.hide();
      return;
    }
    const { resolved, total } = resolvedCount(this.mentions.mentionsOf(document));
    this.item.text = `$(checklist) ${resolved}/${total}`;
    this.item.tooltip = total === 0 ? `No mentions in ${path.basename(document.uri.fsPath)} yet.` : `${resolved} of ${plural(total, 'mention')} of ${path.basename(document.uri.fsPath)} resolved (accepted, NIL or rejected); ${total - resolved} to go. Click for the next unresolved one.`;
    this.item.accessibilityInformation = { label: `Entity Linker: ${resolved} of ${plural(total, 'mention')} resolved`, role: 'button' };
    this.item.show();
  }

  /** After a linker run: a document with no mention at all says so, once, with the KB it was linked against. */
  private async checkEmpty(uri: vscode.Uri): Promise<void> {
    const key = uri.toString();
    if (this.toldEmpty.has(key)) return;
    await this.mentions.linking.whenIdle(uri);
    const document = vscode.workspace.textDocuments.find((d) => d.uri.toString() === key);
    const info = this.mentions.links.info;
    if (document === undefined || info === undefined || !this.mentions.linking.isTracked(uri) || this.toldEmpty.has(key)) return;
    if (document.getText().trim() === '' || this.mentions.mentionsOf(document).length > 0) return;
    this.toldEmpty.add(key);
    void vscode.window.showInformationMessage(`Entity Linker: no mentions found in ${path.basename(uri.fsPath)} against the KB ${info.kbName} (${plural(info.kbSize.toLocaleString('en-US'), 'entity', 'entities')}). Select a name and use Link Selection (Ctrl+Alt+L) to link it by hand.`);
  }
}
