import * as vscode from 'vscode';
import { settledWithin } from '../../core/deadline';
import type { Entity } from '../../core/kb/entity';
import type { EntityHit } from '../../core/worker/linkerProtocol';
import { sentenceAround } from './annotationFlow';
import type { EditorMention } from '../linking/editorMention';
import type { LinkService } from '../linking/linkService';
import { attachLiveKbSearch } from './liveKbSearch';

interface CandidateItem extends vscode.QuickPickItem {
  readonly kbId: string;
}

/** Characters of a description shown on a candidate's second line. */
const DESCRIPTION_CHARS = 120;
/** Characters of the mention's sentence in the picker's title. */
const SENTENCE_CHARS = 110;
/** How long the picker waits for the candidates' types and descriptions before it opens without them. */
const DETAILS_WAIT_MS = 1000;

/**
 * Quick Pick over the mention's ranked candidates (each with its type and a one-line description) plus a live
 * search of the whole KB by title and alias (in the linker worker, so typing stays responsive). The title shows
 * the mention in its sentence, and the editor scrolls the mention below the picker first. `highlighted`: the rank
 * of the candidate highlighted at first (Choose Candidate: the second, CHOOSE_HIGHLIGHTS; the last when there are
 * fewer). Resolves to the chosen entity id, or undefined.
 */
export async function pickCandidate(document: vscode.TextDocument, mention: EditorMention, links: LinkService, highlighted = 0): Promise<string | undefined> {
  const candidates: readonly { id: string; title: string; score: number; probability?: number }[] = mention.linked?.candidates ?? mention.annotation?.candidates ?? [];
  const itemsOf = (entities: readonly (Entity | undefined)[] | undefined): CandidateItem[] =>
    candidates.map((c, i) => {
      const entity = entities?.[i];
      const confidence = c.probability === undefined ? `score ${c.score.toFixed(2)}` : `${Math.round(c.probability * 100)} %`;
      return {
        kbId: c.id,
        label: `${i + 1}. ${c.title}`,
        description: [entity?.type, confidence, c.id].filter((x) => x !== undefined && x !== '').join(' · '),
        detail: entities === undefined ? '(the description is on its way from the link thread)' : oneLine(entity?.text ?? '', DESCRIPTION_CHARS) || '(no description in the KB)',
      };
    });
  // The candidates' types and descriptions come from the link thread. The picker does not wait on a busy thread
  // for long: past DETAILS_WAIT_MS it opens with the ranked titles and fills the details in when they come.
  const details = links.entities(candidates.map((c) => c.id)).catch(() => candidates.map((): Entity | undefined => undefined));
  const early = await settledWithin(details, DETAILS_WAIT_MS);
  let ranked = itemsOf(early);
  await keepMentionBelowPicker(document, mention);
  const picker = vscode.window.createQuickPick<CandidateItem>();
  picker.title = `Link "${mention.text}": ${sentenceOf(document.getText(), mention)}`;
  picker.placeholder = 'Pick a ranked candidate, or type to search the whole KB by title or alias';
  picker.matchOnDescription = true;
  const rankedSection: vscode.QuickPickItem = { label: 'ranked candidates', kind: vscode.QuickPickItemKind.Separator };
  picker.items = [rankedSection as CandidateItem, ...ranked];
  const disposables: vscode.Disposable[] = [];
  let closed = false;
  try {
    return await new Promise<string | undefined>((resolve) => {
      disposables.push(
        attachLiveKbSearch<CandidateItem>(picker, (query, limit, signal) => links.searchKb(query, limit, signal), {
          idle: () => [rankedSection as CandidateItem, ...ranked],
          // The quick pick filters by label on its own; search hits must stay visible whatever their title.
          withHits: (hits, query) => [rankedSection as CandidateItem, ...ranked.filter((r) => matches(r, query)), { label: 'KB search', kind: vscode.QuickPickItemKind.Separator } as CandidateItem, ...hits.map(hitItem)],
        }),
        picker.onDidAccept(() => {
          resolve(picker.selectedItems[0]?.kbId);
          picker.hide();
        }),
        picker.onDidHide(() => resolve(undefined)),
      );
      picker.show();
      const first = ranked[Math.min(highlighted, ranked.length - 1)];
      if (highlighted > 0 && first !== undefined) picker.activeItems = [first];
      if (early === undefined) {
        void details.then((entities) => {
          const active = picker.activeItems[0]?.kbId;
          ranked = itemsOf(entities);
          // While the annotator searches, the search results stay; the details show with the ranked list again.
          if (closed || picker.value !== '') return;
          picker.items = [rankedSection as CandidateItem, ...ranked];
          const again = ranked.find((r) => r.kbId === active);
          if (again !== undefined) picker.activeItems = [again];
        });
      }
    });
  } finally {
    closed = true;
    for (const d of disposables) d.dispose();
    picker.dispose();
  }
}

function hitItem(hit: EntityHit): CandidateItem {
  return {
    kbId: hit.id,
    label: hit.title,
    description: hit.type === undefined ? hit.id : `${hit.type} · ${hit.id}`,
    detail: hit.snippet,
    alwaysShow: true,
  };
}

/** The mention's sentence on one line, the mention in «», cut around it to fit a title. */
function sentenceOf(text: string, mention: { start: number; end: number; text: string }): string {
  const sentence = sentenceAround(text, mention.start, mention.end);
  const room = Math.max(0, SENTENCE_CHARS - mention.text.length);
  let before = text.slice(sentence.start, mention.start).replace(/\s+/g, ' ');
  let after = text.slice(mention.end, sentence.end).replace(/\s+/g, ' ');
  const half = Math.floor(room / 2);
  const keepBefore = Math.min(before.length, Math.max(half, room - after.length));
  const keepAfter = Math.min(after.length, room - keepBefore);
  if (keepBefore < before.length) before = `…${before.slice(before.length - keepBefore)}`;
  if (keepAfter < after.length) after = `${after.slice(0, keepAfter)}…`;
  return `${before.trimStart()}«${mention.text}»${after.trimEnd()}`;
}

function oneLine(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

/**
 * The Quick Pick opens at the top of the window; scroll the mention's line to the lower part of the editor so
 * the list does not cover it (VS Code offers no way to place the picker itself).
 */
async function keepMentionBelowPicker(document: vscode.TextDocument, mention: { end: number }): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (editor?.document !== document) return;
  const line = document.positionAt(mention.end).line;
  const visible = editor.visibleRanges[0];
  if (visible === undefined) return;
  const height = visible.end.line - visible.start.line;
  // Already in the lower half: leave the view still.
  if (line >= visible.start.line + height / 2 && line <= visible.end.line) return;
  await vscode.commands.executeCommand('revealLine', { lineNumber: Math.min(document.lineCount - 1, line + 2), at: 'bottom' });
}

function matches(item: CandidateItem, query: string): boolean {
  const q = query.toLowerCase();
  return item.label.toLowerCase().includes(q) || (item.description ?? '').toLowerCase().includes(q);
}
