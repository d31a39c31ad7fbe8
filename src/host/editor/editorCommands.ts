import * as vscode from 'vscode';
import { importGold } from '../../core/annotations/goldInterchange';
import { LinkerError } from '../../core/errors';
import { type GoldFormat, readGold } from '../../core/formats/goldFormat';
import type { Logger } from '../../core/log';
import { reportError } from '../errorReporting';
import { type EditorMention, isOpenSuggestion, isUnresolved } from '../linking/editorMention';
import type { MentionService } from '../linking/mentionService';
import { type AdvanceOrder, describeUndo, nextAfterDecision, nextByUncertainty } from './annotationFlow';
import { topToAcceptAtOnce } from '../../core/simulation/linkSelectionAccept';
import { CHOOSE_HIGHLIGHTS } from '../../core/simulation/pickerKeys';
import { nameAtCaret, possibleMentions, stepPossible } from '../../core/simulation/possibleMentions';
import type { DocumentNameSpans } from './documentNameSpans';
import type { AnnotationQueue } from './annotationQueue';
import { pickCandidate } from './candidatePicker';
import type { AcceptCandidateArgs } from './mentionHover';
import type { MentionReveal } from './mentionReveal';
import { plural } from '../../shared/plural';

/** The editor's annotation commands; package.json contributes each (with keybindings and menus). */
export const EDITOR_COMMAND_IDS = [
  'entityLinker.acceptTop',
  'entityLinker.chooseCandidate',
  'entityLinker.acceptCandidate',
  'entityLinker.markNil',
  'entityLinker.reject',
  'entityLinker.rejectRemaining',
  'entityLinker.acceptRemaining',
  'entityLinker.nextMention',
  'entityLinker.previousMention',
  'entityLinker.nextPossibleMention',
  'entityLinker.previousPossibleMention',
  'entityLinker.nextPossibleName',
  'entityLinker.previousPossibleName',
  'entityLinker.linkSelection',
  'entityLinker.linkSelectionAndMoveOn',
  'entityLinker.acceptAllAbove',
  'entityLinker.undoAnnotation',
  'entityLinker.redoAnnotation',
  'entityLinker.importAnnotations',
  'entityLinker.reloadLinker',
  'entityLinker.revealMention',
] as const;

export type EditorCommandId = (typeof EDITOR_COMMAND_IDS)[number];

export interface EditorCommandServices {
  readonly mentions: MentionService;
  readonly logger: Logger;
  readonly showLog: () => void;
  readonly acceptThreshold: () => number;
  /** Whether a decision on the cursor's mention moves on to the next unresolved one (entityLinker.annotation.autoAdvance). */
  readonly autoAdvance: () => boolean;
  /** Document order or least certain first (entityLinker.annotation.advanceOrder). */
  readonly advanceOrder: () => AdvanceOrder;
  /** Whether a document with no open mention left moves on to the next of the queue (entityLinker.annotation.advanceAcrossDocuments). */
  readonly acrossDocuments: () => boolean;
  /** Link Selection accepts a top candidate this probable at once, without the picker (entityLinker.annotation.linkSelectionAcceptAbove; 1: never). */
  readonly linkSelectionAcceptAbove: () => number;
  readonly queue: Pick<AnnotationQueue, 'advanceFrom' | 'visit'>;
  readonly reveal: MentionReveal;
  /** The KB's names in a document (Next / Previous Possible Name). */
  readonly names: Pick<DocumentNameSpans, 'of'>;
  /** Drops the linking session and links open documents again with the current settings. */
  readonly reload: () => Promise<void>;
}

/** A mention given by a command's arguments ({uri, start, end}, as code actions, hovers and the tree pass it). */
interface MentionArgs {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
}

/** The mention a decision acts on; `atCursor`: the active editor's cursor was on it when the command started. */
interface Target {
  readonly document: vscode.TextDocument;
  readonly mention: EditorMention;
  readonly atCursor: boolean;
}

function isMentionArgs(v: unknown): v is MentionArgs {
  return typeof v === 'object' && v !== null && typeof (v as MentionArgs).uri === 'string' && typeof (v as MentionArgs).start === 'number' && typeof (v as MentionArgs).end === 'number';
}

const GOLD_IMPORT_FORMATS: readonly (GoldFormat | 'auto')[] = ['auto', 'nif', 'elevant', 'prodigy', 'annotations', 'brat', 'zeshel', 'wsd', 'blink'];

export function createEditorCommands(s: EditorCommandServices): Record<EditorCommandId, (...args: unknown[]) => unknown> {
  /** Runs a handler; an error is shown to the user once (with what to do) and logged; the command returns undefined. */
  const guarded = <T>(what: string, body: (...args: unknown[]) => Promise<T>) => async (...args: unknown[]): Promise<T | undefined> => {
    try {
      return await body(...args);
    } catch (e) {
      reportError(s.logger, what, e, s.showLog);
      return undefined;
    }
  };
  /** The mention the command acts on: from its arguments, else the one at the active editor's cursor. */
  const target = async (arg: unknown): Promise<Target | undefined> => {
    if (isMentionArgs(arg)) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
      const mention = s.mentions.mentionsOf(document).find((m) => m.start === arg.start && m.end === arg.end) ?? s.mentions.editorMentionAt(document, arg.start);
      if (mention === undefined) return undefined;
      const editor = vscode.window.activeTextEditor;
      const cursor = editor?.document === document ? document.offsetAt(editor.selection.active) : -1;
      return { document, mention, atCursor: mention.start <= cursor && cursor <= mention.end };
    }
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) return undefined;
    const mention = s.mentions.editorMentionAt(editor.document, editor.document.offsetAt(editor.selection.active));
    if (mention === undefined) {
      void vscode.window.setStatusBarMessage('Entity Linker: no mention at the cursor.', 3000);
      return undefined;
    }
    return { document: editor.document, mention, atCursor: true };
  };
  const activeDocument = (arg: unknown): Thenable<vscode.TextDocument> | vscode.TextDocument | undefined =>
    typeof arg === 'string' ? vscode.workspace.openTextDocument(vscode.Uri.parse(arg)) : vscode.window.activeTextEditor?.document;

  const move = (direction: 1 | -1) => async (): Promise<EditorMention | undefined> => {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) return undefined;
    const offset = editor.document.offsetAt(direction > 0 ? editor.selection.end : editor.selection.start);
    const open = s.mentions.mentionsOf(editor.document).filter((m) => m.anchored && isUnresolved(m));
    if (open.length === 0) {
      if (direction > 0 && s.acrossDocuments()) {
        await s.queue.advanceFrom(editor.document);
        return undefined;
      }
      void vscode.window.setStatusBarMessage('Entity Linker: no unresolved mentions in this document.', 3000);
      return undefined;
    }
    if (direction > 0 && s.advanceOrder() === 'uncertainty') {
      const next = nextByUncertainty(open, open.find((m) => m.start <= offset && offset <= m.end));
      if (next !== undefined) s.reveal.show(editor, next.start, next.end);
      return next;
    }
    // Wraps around at either end, like "next problem".
    const next = direction > 0 ? (open.find((m) => m.start >= offset && !(m.start === offset && editor.selection.isEmpty === false)) ?? open[0]) : ([...open].reverse().find((m) => m.end < offset || (m.start < offset && m.end <= offset)) ?? open[open.length - 1]);
    s.reveal.show(editor, next.start, next.end);
    return next;
  };

  /**
   * One key per decision: after a decision on the mention at the cursor of the active editor, the cursor moves to
   * the next unresolved mention (document order, wrapping round, or least certain first) with its sentence in view. A decision made
   * elsewhere (a panel, a test passing a mention) leaves the cursor alone.
   */
  const advance = async (t: Target, options: { acrossDocuments?: boolean } = {}): Promise<void> => {
    const editor = vscode.window.activeTextEditor;
    if (!s.autoAdvance() || editor === undefined || editor.document !== t.document) return;
    s.queue.visit(t.document);
    // Where the cursor was when the command started, not now: the extension host's copy of the selection can
    // briefly read an older one while the window catches up with a quick second key (the decision would then
    // look made elsewhere and the cursor would stay behind).
    if (!t.atCursor) return;
    const acrossDocuments = options.acrossDocuments ?? true;
    const open = s.mentions.mentionsOf(t.document).filter((m) => m.anchored && isUnresolved(m));
    const next = nextAfterDecision(open, t.mention, s.advanceOrder());
    if (next === undefined) {
      if (!acrossDocuments) return;
      if (s.acrossDocuments()) await s.queue.advanceFrom(t.document);
      else void vscode.window.setStatusBarMessage('Entity Linker: every mention of this document is resolved.', 4000);
      return;
    }
    s.reveal.show(editor, next.start, next.end);
  };

  /**
   * Next / Previous Possible Mention: selects the next word or name no mention covers (possibleMentions.ts), so
   * a mention the linker missed is selected in a few presses; Ctrl+Shift+Right then extends the selection and
   * Link Selection links it. Next / Previous Possible Name (`byName`): the same stops, but a lower-case word only
   * where the KB has a name covering it (the link thread's nameSpans), so the presses skip the common words no
   * entity is named by; Possible Mention's stops while the KB's names cannot be had.
   */
  const possible = (direction: 1 | -1, byName = false) => async (): Promise<{ start: number; end: number; text: string } | undefined> => {
    const asked = vscode.window.activeTextEditor;
    if (asked === undefined) return undefined;
    const { document } = asked;
    const names = byName ? await s.names.of(document) : undefined;
    // The active editor may have changed while the names were asked for: act on the one active now if it shows this
    // document (another editor of it, or a new TextEditor object for the same one), else do nothing.
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined || editor.document !== document) return undefined;
    const text = document.getText();
    const spans = possibleMentions(text, s.mentions.mentionsOf(document).filter((m) => m.anchored), names);
    // From where the key was pressed (the editor asked), also when VS Code made another editor of the document active.
    const next = stepPossible(spans, document.offsetAt(asked.selection.start), document.offsetAt(asked.selection.end), direction);
    if (next === undefined) {
      void vscode.window.setStatusBarMessage(`Entity Linker: every word of this document is a mention or a ${byName ? 'word no KB name covers' : 'function word'}.`, 3000);
      return undefined;
    }
    // Anchored at the start, active at the end: Ctrl+Shift+Right extends it.
    editor.selection = new vscode.Selection(document.positionAt(next.start), document.positionAt(next.end));
    editor.revealRange(editor.selection, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return { start: next.start, end: next.end, text: text.slice(next.start, next.end) };
  };

  /** Undo or redo, then show what it changed: the mention revealed and flashed, the change in the status bar. */
  const step = (what: 'undo' | 'redo') => async (arg: unknown): Promise<boolean> => {
    const document = await activeDocument(arg);
    if (document === undefined) return false;
    const before = s.mentions.annotations.get(document.uri)?.records ?? [];
    const done = what === 'undo' ? await s.mentions.undo(document) : await s.mentions.redo(document);
    const verb = what === 'undo' ? 'Undid' : 'Redid';
    if (!done) {
      void vscode.window.setStatusBarMessage(`Entity Linker: nothing to ${what} in this document.`, 4000);
      return false;
    }
    const change = describeUndo(before, s.mentions.annotations.get(document.uri)?.records ?? []);
    if (change === undefined) return true;
    void vscode.window.setStatusBarMessage(`Entity Linker: ${verb.toLowerCase()} ${change.description}`, 6000);
    const editor = vscode.window.visibleTextEditors.find((e) => e.document === document);
    if (editor !== undefined) s.reveal.show(editor, change.start, change.end, { flash: true });
    return true;
  };

  /** Reject / Accept Remaining: `decide` the mention at the cursor (or given) and every open one after it. */
  const remaining = (verb: 'rejected' | 'accepted', decide: (document: vscode.TextDocument, mentions: readonly EditorMention[]) => Promise<number>) => async (arg: unknown): Promise<number> => {
    const t = await target(arg);
    if (t === undefined) return 0;
    const open = s.mentions.mentionsOf(t.document).filter((m) => isOpenSuggestion(m) && m.start >= t.mention.start);
    const count = await decide(t.document, open);
    if (count > 0) void vscode.window.setStatusBarMessage(`Entity Linker: ${verb} ${plural(count, 'mention')} (undo: Ctrl+Alt+Z).`, 6000);
    await advance(t);
    return count;
  };

  /**
   * Link Selection: the selected span is linked and a confident top candidate accepted at once, else picked. Then on
   * to the document's next open mention; with nothing open left, `moveOn` (Link Selection and Move On, for the last
   * missed mention of a document) goes on to the next document of the queue as a decision on the last open mention
   * does, while plain Link Selection stays (more may be missed here).
   */
  const linkSelected = async (arg: unknown, moveOn: boolean): Promise<string | undefined> => {
    let document: vscode.TextDocument | undefined;
    let start: number;
    let end: number;
    if (isMentionArgs(arg)) {
      document = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
      ({ start, end } = arg);
    } else {
      const editor = vscode.window.activeTextEditor;
      if (editor === undefined) throw new LinkerError('usage', 'Select the text of a mention first.');
      document = editor.document;
      start = document.offsetAt(editor.selection.start);
      end = document.offsetAt(editor.selection.end);
      if (editor.selection.isEmpty) {
        // Nothing selected: the name at the caret (the capitalised run around it, else the word).
        const name = nameAtCaret(document.getText(), start);
        if (name === undefined) throw new LinkerError('usage', 'Put the cursor in a name or select the text of a mention first.');
        ({ start, end } = name);
      }
    }
    const text = document.getText();
    // Surrounding spaces are not part of a mention.
    while (start < end && /\s/.test(text[start])) start++;
    while (end > start && /\s/.test(text[end - 1])) end--;
    if (start >= end) throw new LinkerError('usage', 'The selection holds only white space.');
    const mention = await s.mentions.linkSpan(document, start, end);
    if (!isMentionArgs(arg)) {
      // A confident top candidate is taken at once; Undo Annotation Action brings the span back to choose another.
      const atOnce = mention.linked === undefined ? undefined : topToAcceptAtOnce(mention.linked, s.linkSelectionAcceptAbove());
      if (atOnce !== undefined) void vscode.window.setStatusBarMessage(`Entity Linker: linked "${mention.text}" as ${mention.linked?.candidates[0]?.title ?? atOnce} (${percent(mention.linked?.candidates[0]?.probability ?? 0)}); another entity: Undo (Ctrl+Alt+Z), then Choose Candidate.`, 8000);
      const kbId = atOnce ?? (await pickCandidate(document, mention, s.mentions.links));
      if (kbId !== undefined) {
        await s.mentions.acceptMention(document, mention, kbId);
        // Link Selection's selection may hold the white space it trimmed: the decision was made from it all the same.
        await advance({ document, mention, atCursor: true }, { acrossDocuments: moveOn });
      }
    }
    return mention.linked?.candidates[0]?.id;
  };

  return {
    'entityLinker.acceptTop': guarded('Accept', async (arg) => {
      const t = await target(arg);
      if (t === undefined) return undefined;
      await s.mentions.acceptMention(t.document, t.mention);
      const kbId = s.mentions.mentionsOf(t.document).find((m) => m.start === t.mention.start && m.end === t.mention.end)?.kbId;
      await advance(t);
      return kbId;
    }),
    'entityLinker.acceptCandidate': guarded('Accept', async (arg) => {
      if (!isMentionArgs(arg) || typeof (arg as AcceptCandidateArgs).kbId !== 'string') throw new LinkerError('usage', 'acceptCandidate needs {uri, start, end, kbId}.');
      const t = await target(arg);
      if (t === undefined) throw new LinkerError('usage', `No mention at [${arg.start}, ${arg.end}) any more (the text changed).`);
      await s.mentions.acceptMention(t.document, t.mention, (arg as AcceptCandidateArgs).kbId);
      return (arg as AcceptCandidateArgs).kbId;
    }),
    'entityLinker.chooseCandidate': guarded('Choose Candidate', async (arg) => {
      const t = await target(arg);
      if (t === undefined) return undefined;
      // The first candidate is what Accept takes: the picker opens on the second.
      const kbId = await pickCandidate(t.document, t.mention, s.mentions.links, CHOOSE_HIGHLIGHTS);
      if (kbId !== undefined) {
        await s.mentions.acceptMention(t.document, t.mention, kbId);
        await advance(t);
      }
      return kbId;
    }),
    'entityLinker.markNil': guarded('Mark NIL', async (arg) => {
      const t = await target(arg);
      if (t === undefined) return;
      await s.mentions.markMentionNil(t.document, t.mention);
      await advance(t);
    }),
    'entityLinker.reject': guarded('Reject', async (arg) => {
      const t = await target(arg);
      if (t === undefined) return;
      await s.mentions.rejectMention(t.document, t.mention);
      await advance(t);
    }),
    // The mention at the cursor and every open one after it in the document are no mentions / rightly linked:
    // one key, one undoable step, then on as after a decision.
    'entityLinker.rejectRemaining': guarded('Reject Remaining', remaining('rejected', (document, mentions) => s.mentions.rejectMentions(document, mentions))),
    'entityLinker.acceptRemaining': guarded('Accept Remaining', remaining('accepted', (document, mentions) => s.mentions.acceptMentions(document, mentions))),
    'entityLinker.nextMention': guarded('Next Mention', move(1)),
    'entityLinker.previousMention': guarded('Previous Mention', move(-1)),
    'entityLinker.nextPossibleMention': guarded('Next Possible Mention', possible(1)),
    'entityLinker.previousPossibleMention': guarded('Previous Possible Mention', possible(-1)),
    'entityLinker.nextPossibleName': guarded('Next Possible Name', possible(1, true)),
    'entityLinker.previousPossibleName': guarded('Previous Possible Name', possible(-1, true)),
    'entityLinker.linkSelection': guarded('Link Selection', async (arg) => linkSelected(arg, false)),
    'entityLinker.linkSelectionAndMoveOn': guarded('Link Selection and Move On', async (arg) => linkSelected(arg, true)),
    'entityLinker.acceptAllAbove': guarded('Accept All Above Threshold', async (arg, thresholdArg) => {
      const document = await activeDocument(arg);
      if (document === undefined) return 0;
      const threshold = typeof thresholdArg === 'number' ? thresholdArg : s.acceptThreshold();
      // From the palette: say how many and at what threshold before acting (a test passing the document does not ask).
      if (typeof arg !== 'string' && !(await confirmBatchAccept(s, document, threshold))) return 0;
      const count = await s.mentions.acceptAllAbove(document, threshold);
      if (typeof arg !== 'string') void vscode.window.setStatusBarMessage(`Entity Linker: accepted ${plural(count, 'mention')} at confidence ≥ ${percent(threshold)} (undo: Ctrl+Alt+Z).`, 6000);
      return count;
    }),
    'entityLinker.undoAnnotation': guarded('Undo Annotation', step('undo')),
    'entityLinker.redoAnnotation': guarded('Redo Annotation', step('redo')),
    'entityLinker.importAnnotations': guarded('Import Annotations', async (pathArg, formatArg) => importAnnotations(s, pathArg, formatArg)),
    'entityLinker.reloadLinker': guarded('Reload', async () => s.reload()),
    'entityLinker.revealMention': guarded('Reveal Mention', async (arg) => {
      if (isMentionArgs(arg)) await s.mentions.reveal(arg);
    }),
  };
}

function percent(x: number): string {
  return `${Math.round(x * 100)} %`;
}

/** The batch accept's confirmation: how many predictions it would accept, at which threshold; true to go ahead. */
async function confirmBatchAccept(s: EditorCommandServices, document: vscode.TextDocument, threshold: number): Promise<boolean> {
  const predicted = s.mentions.mentionsOf(document).filter((m) => m.anchored && m.status === 'predicted' && m.linked !== undefined && !m.linked.nil && m.kbId !== undefined);
  const count = predicted.filter((m) => (m.confidence ?? 0) >= threshold).length;
  if (count === 0) {
    const best = Math.max(0, ...predicted.map((m) => m.confidence ?? 0));
    void vscode.window.showInformationMessage(`Entity Linker: no prediction reaches the threshold ${percent(threshold)} (the most confident is ${percent(best)}). Change entityLinker.annotation.acceptThreshold to accept more.`);
    return false;
  }
  const accept = `Accept ${count}`;
  const picked = await vscode.window.showWarningMessage(
    `Accept ${count} of ${plural(predicted.length, 'predicted mention')} whose top candidate has confidence ≥ ${percent(threshold)}?`,
    { modal: true, detail: 'One undoable step (Undo Annotation Action, Ctrl+Alt+Z). The threshold is the setting entityLinker.annotation.acceptThreshold.' },
    accept,
  );
  return picked === accept;
}

async function importAnnotations(s: EditorCommandServices, pathArg: unknown, formatArg: unknown): Promise<number | undefined> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  if (folder === undefined) throw new LinkerError('usage', 'Open a workspace folder first: imported annotations are stored in its .entity-links folder.');
  let file = typeof pathArg === 'string' ? pathArg : undefined;
  if (file === undefined) {
    const picked = await vscode.window.showOpenDialog({ title: 'Entity Linker: import annotations (NIF, elevant JSONL, Prodigy JSONL, ...)', canSelectMany: false, openLabel: 'Import' });
    file = picked?.[0]?.fsPath;
    if (file === undefined) return undefined;
  }
  let format = typeof formatArg === 'string' ? (formatArg as GoldFormat | 'auto') : undefined;
  if (format === undefined) {
    const item = await vscode.window.showQuickPick(GOLD_IMPORT_FORMATS.map((f) => ({ label: f, description: f === 'auto' ? 'sniffed from the file' : undefined })), { title: 'Format of the file' });
    if (item === undefined) return undefined;
    format = item.label;
  }
  const docs = await readGold(file, format);
  const report = await importGold(s.mentions.annotations.store(folder), docs, format === 'auto' ? 'gold' : format);
  s.logger.info(`Imported ${file}: ${plural(report.documents, 'document')}, ${plural(report.added, 'annotation')} added, ${report.duplicates} already present, ${plural(report.textsWritten, 'text')} written.`);
  if (typeof pathArg !== 'string') void vscode.window.showInformationMessage(`Entity Linker: imported ${plural(report.added, 'annotation')} in ${plural(report.documents, 'document')} (${report.duplicates} already present, ${plural(report.textsWritten, 'text file')} created).`);
  return report.added;
}
