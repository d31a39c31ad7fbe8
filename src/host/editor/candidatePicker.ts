import * as vscode from 'vscode';
import type { EntityHit } from '../../core/worker/linkerProtocol';
import type { EditorMention } from '../linking/editorMention';
import type { LinkService } from '../linking/linkService';

interface CandidateItem extends vscode.QuickPickItem {
  readonly kbId: string;
}

const SEARCH_LIMIT = 30;

/**
 * Quick Pick over the mention's ranked candidates plus a live search of the whole KB by title and alias (in
 * the linker worker, so typing stays responsive). Resolves to the chosen entity id, or undefined.
 */
export async function pickCandidate(mention: EditorMention, links: LinkService): Promise<string | undefined> {
  const candidates: readonly { id: string; title: string; score: number; probability?: number }[] = mention.linked?.candidates ?? mention.annotation?.candidates ?? [];
  const ranked: CandidateItem[] = candidates.map((c, i) => ({
    kbId: c.id,
    label: `${i + 1}. ${c.title}`,
    description: c.id,
    detail: `score ${c.score.toFixed(2)}${c.probability === undefined ? '' : `, p ${c.probability.toFixed(2)}`}`,
  }));
  const picker = vscode.window.createQuickPick<CandidateItem>();
  picker.title = `Entity Linker: link "${mention.text}"`;
  picker.placeholder = 'Ranked candidates; type to search the whole KB by title or alias';
  picker.matchOnDescription = true;
  const rankedSection: vscode.QuickPickItem = { label: 'ranked candidates', kind: vscode.QuickPickItemKind.Separator };
  picker.items = [rankedSection as CandidateItem, ...ranked];
  let search: AbortController | undefined;
  const disposables: vscode.Disposable[] = [];
  try {
    return await new Promise<string | undefined>((resolve) => {
      disposables.push(
        picker.onDidChangeValue((value) => {
          search?.abort();
          const query = value.trim();
          if (query === '') {
            picker.items = [rankedSection as CandidateItem, ...ranked];
            picker.busy = false;
            return;
          }
          const controller = new AbortController();
          search = controller;
          picker.busy = true;
          links.searchKb(query, SEARCH_LIMIT, controller.signal).then(
            (hits) => {
              if (controller.signal.aborted) return;
              // The quick pick filters by label on its own; search hits must stay visible whatever their title.
              picker.items = [rankedSection as CandidateItem, ...ranked.filter((r) => matches(r, query)), { label: 'KB search', kind: vscode.QuickPickItemKind.Separator } as CandidateItem, ...hits.map(hitItem)];
              picker.busy = false;
            },
            () => {
              if (!controller.signal.aborted) picker.busy = false;
            },
          );
        }),
        picker.onDidAccept(() => {
          resolve(picker.selectedItems[0]?.kbId);
          picker.hide();
        }),
        picker.onDidHide(() => resolve(undefined)),
      );
      picker.show();
    });
  } finally {
    search?.abort();
    for (const d of disposables) d.dispose();
    picker.dispose();
  }
}

function hitItem(hit: EntityHit): CandidateItem {
  return {
    kbId: hit.id,
    label: hit.title,
    description: `${hit.id}${hit.type === undefined ? '' : ` · ${hit.type}`}`,
    detail: hit.snippet,
    alwaysShow: true,
  };
}

function matches(item: CandidateItem, query: string): boolean {
  const q = query.toLowerCase();
  return item.label.toLowerCase().includes(q) || (item.description ?? '').toLowerCase().includes(q);
}
