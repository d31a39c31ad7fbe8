import * as vscode from 'vscode';
import { type CuratedChoice, writeCuratedLabel } from '../../core/agreement/curatedLabel';
import { type Disagreement, NIL_VALUE, disagreementsOf, spanKey } from '../../core/agreement/teamLabels';
import { readTeamStore } from '../../core/agreement/teamStore';
import { ANNOTATION_DIR } from '../../core/annotations/annotationPaths';
import { LinkerError } from '../../core/errors';
import type { Logger } from '../../core/log';
import type { EntityHit } from '../../core/worker/linkerProtocol';
import { attachLiveKbSearch } from '../editor/liveKbSearch';
import type { LinkService } from '../linking/linkService';
import { type ChoiceOption, choiceOptions, curationOrder, disagreementLine, valueName } from './curationItems';
import { plural } from '../../shared/plural';

interface DisagreementItem extends vscode.QuickPickItem {
  readonly disagreement: Disagreement;
  readonly text: string;
}

interface ChoiceItem extends vscode.QuickPickItem {
  readonly choice: CuratedChoice;
}

/**
 * Curate Disagreements: a keyboard-only flow over two Quick Picks. The first lists every span the annotators
 * label differently (each annotator's label, the context; the uncurated ones first); Enter shows the span in the
 * editor and the second Quick Pick: each annotator's label, NIL, "not a mention", or type to search the whole KB.
 * Enter writes the curated label (`.entity-links/@curated/<doc>.jsonl`, atomically) and the list comes back with
 * the next disagreement selected; Escape ends.
 */
export class CurationFlow {
  /** Which Quick Pick is open (read by the integration test through the test hooks). */
  step: 'list' | 'choice' | undefined;

  /** `links`: only its KB search is used (the choice Quick Pick searches the whole KB as the curator types). */
  constructor(private readonly links: Pick<LinkService, 'searchKb'>, private readonly logger: Logger) {}

  /** Runs the flow; resolves to how many labels were curated. */
  async run(): Promise<number> {
    const folder = await this.folder();
    if (folder === undefined) return 0;
    let curated = 0;
    let next: string | undefined;
    for (;;) {
      const team = await readTeamStore(folder.uri.fsPath);
      const texts = new Map(team.documents.map((d) => [d.document, d.text]));
      const list = curationOrder(team.documents.flatMap(disagreementsOf));
      if (list.length === 0) {
        void vscode.window.showInformationMessage(curated === 0 ? 'Entity Linker: no disagreements: every span has one label from all annotators (or one annotator only).' : `Entity Linker: ${plural(curated, 'label')} curated; no disagreements left.`);
        return curated;
      }
      const picked = await this.pickDisagreement(list, texts, next);
      if (picked === undefined) return curated;
      const { disagreement: d, text } = picked;
      await this.reveal(folder, d);
      const choice = await this.pickChoice(d, text);
      if (choice === undefined) {
        next = itemKey(d);
        continue;
      }
      const file = await writeCuratedLabel(folder.uri.fsPath, d.document, text, d, choice, { logger: this.logger });
      curated++;
      this.logger.info(`Curated ${d.document} [${d.start}, ${d.end}) "${d.text}": ${describe(choice)} (${file}).`);
      vscode.window.setStatusBarMessage(`Curated «${d.text}»: ${describe(choice)}`, 5000);
      const at = list.indexOf(d);
      const following = list.slice(at + 1).find((x) => x.curated === undefined) ?? list.find((x) => x !== d && x.curated === undefined);
      next = following === undefined ? undefined : itemKey(following);
    }
  }

  private async folder(): Promise<vscode.WorkspaceFolder | undefined> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (folders.length === 0) {
      throw new LinkerError('usage', `No workspace folder is open: the labels live in a folder's ${ANNOTATION_DIR}/.`, { hint: 'Open the folder the team annotated.' });
    }
    return folders.length === 1 ? folders[0] : vscode.window.showWorkspaceFolderPick({ placeHolder: 'The workspace folder to curate' });
  }

  private async pickDisagreement(list: readonly Disagreement[], texts: ReadonlyMap<string, string>, activeKey: string | undefined): Promise<DisagreementItem | undefined> {
    const items = list.map((d): DisagreementItem => {
      const text = texts.get(d.document) ?? '';
      return { ...disagreementLine(d, text), disagreement: d, text };
    });
    const open = list.filter((d) => d.curated === undefined).length;
    return this.show<DisagreementItem>('list', {
      title: `Entity Linker: Curate Disagreements (${open} open of ${list.length})`,
      placeholder: 'Pick a disagreement (type to filter by mention, document or annotator); Escape ends',
      items,
      active: items.find((i) => itemKey(i.disagreement) === activeKey) ?? items[0],
      matchOnDescription: true,
      matchOnDetail: true,
    });
  }

  private pickChoice(d: Disagreement, text: string): Promise<CuratedChoice | undefined> {
    const options = choiceOptions(d.labels).map(optionItem);
    const current = d.curated === undefined ? undefined : options.find((o) => sameChoice(o.choice, d.curated?.value));
    const sentence = disagreementLine(d, text).description;
    return this.show<ChoiceItem>('choice', {
      title: `Curate «${d.text}» — ${sentence}`,
      placeholder: 'Pick a label, or type to search the whole KB for another entity',
      items: options,
      active: current ?? options[0],
      search: (hits) => [...options, { label: 'KB search', kind: vscode.QuickPickItemKind.Separator } as ChoiceItem, ...hits.map(hitItem)],
    }).then((item) => item?.choice);
  }

  /** One Quick Pick; with `search`, typed text also searches the KB (in the linker worker) and lists the hits. */
  private async show<T extends vscode.QuickPickItem>(step: 'list' | 'choice', o: { title: string; placeholder: string; items: T[]; active: T | undefined; matchOnDescription?: boolean; matchOnDetail?: boolean; search?: (hits: readonly EntityHit[]) => T[] }): Promise<T | undefined> {
    const picker = vscode.window.createQuickPick<T>();
    picker.title = o.title;
    picker.placeholder = o.placeholder;
    picker.items = o.items;
    picker.matchOnDescription = o.matchOnDescription ?? false;
    picker.matchOnDetail = o.matchOnDetail ?? false;
    if (o.active !== undefined) picker.activeItems = [o.active];
    picker.ignoreFocusOut = true;
    const disposables: vscode.Disposable[] = [];
    try {
      return await new Promise<T | undefined>((resolve) => {
        if (o.search !== undefined) {
          disposables.push(attachLiveKbSearch<T>(picker, (query, limit, signal) => this.links.searchKb(query, limit, signal), {
            idle: () => o.items,
            withHits: o.search,
            onError: (e, query) => this.logger.warn(`KB search for "${query}" failed: ${(e as Error).message}`),
          }));
        }
        disposables.push(
          picker.onDidAccept(() => {
            resolve(picker.selectedItems[0]);
            picker.hide();
          }),
          picker.onDidHide(() => resolve(undefined)),
        );
        this.step = step;
        picker.show();
      });
    } finally {
      this.step = undefined;
      for (const d of disposables) d.dispose();
      picker.dispose();
    }
  }

  /** Shows the span in its document (the cursor stays in the Quick Pick). */
  private async reveal(folder: vscode.WorkspaceFolder, d: Disagreement): Promise<void> {
    try {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(folder.uri, ...d.document.split('/')));
      const range = new vscode.Range(document.positionAt(d.start), document.positionAt(d.end));
      // Started from the corpus view (a webview tab active): the text opens beside it, so the Agreement tab stays in view.
      const fromWebview = vscode.window.tabGroups.activeTabGroup.activeTab?.input instanceof vscode.TabInputWebview;
      await vscode.window.showTextDocument(document, { preserveFocus: true, preview: true, selection: range, ...(fromWebview ? { viewColumn: vscode.ViewColumn.Beside } : {}) });
    } catch (e) {
      this.logger.warn(`Could not show ${d.document}: ${(e as Error).message}`);
    }
  }
}

function optionItem(o: ChoiceOption): ChoiceItem {
  return { label: o.label, description: o.description, choice: o.choice };
}

function hitItem(hit: EntityHit): ChoiceItem {
  return { label: `$(search) ${hit.title}`, description: hit.type === undefined ? hit.id : `${hit.type} · ${hit.id}`, detail: hit.snippet, alwaysShow: true, choice: { kind: 'entity', kbId: hit.id, title: hit.title } };
}

function itemKey(d: Disagreement): string {
  return `${d.document}\u0000${spanKey(d.start, d.end)}`;
}

function sameChoice(c: CuratedChoice, value: string | undefined): boolean {
  return c.kind === 'none' ? value === undefined : c.kind === 'nil' ? value === NIL_VALUE : c.kbId === value;
}

function describe(c: CuratedChoice): string {
  return c.kind === 'entity' ? valueName(c.kbId, c.title) : c.kind === 'nil' ? 'NIL' : 'not a mention';
}
