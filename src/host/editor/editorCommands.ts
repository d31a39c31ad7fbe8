import * as vscode from 'vscode';
import { importGold } from '../../core/annotations/goldInterchange';
import { LinkerError } from '../../core/errors';
import { type GoldFormat, readGold } from '../../core/formats/goldFormat';
import type { Logger } from '../../core/log';
import { reportError } from '../errorReporting';
import { type EditorMention, isUnresolved } from '../linking/editorMention';
import type { MentionService } from '../linking/mentionService';
import { pickCandidate } from './candidatePicker';
import type { AcceptCandidateArgs } from './mentionHover';

/** The editor's annotation commands; package.json contributes each (with keybindings and menus). */
export const EDITOR_COMMAND_IDS = [
  'entityLinker.acceptTop',
  'entityLinker.chooseCandidate',
  'entityLinker.acceptCandidate',
  'entityLinker.markNil',
  'entityLinker.reject',
  'entityLinker.nextMention',
  'entityLinker.previousMention',
  'entityLinker.linkSelection',
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
  /** Drops the linking session and links open documents again with the current settings. */
  readonly reload: () => Promise<void>;
}

/** A mention given by a command's arguments ({uri, start, end}, as code actions, hovers and the tree pass it). */
interface MentionArgs {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
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
  const target = async (arg: unknown): Promise<{ document: vscode.TextDocument; mention: EditorMention } | undefined> => {
    if (isMentionArgs(arg)) {
      const document = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
      const mention = s.mentions.mentionsOf(document).find((m) => m.start === arg.start && m.end === arg.end) ?? s.mentions.editorMentionAt(document, arg.start);
      return mention === undefined ? undefined : { document, mention };
    }
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) return undefined;
    const mention = s.mentions.editorMentionAt(editor.document, editor.document.offsetAt(editor.selection.active));
    if (mention === undefined) {
      void vscode.window.setStatusBarMessage('Entity Linker: no mention at the cursor.', 3000);
      return undefined;
    }
    return { document: editor.document, mention };
  };
  const activeDocument = (arg: unknown): Thenable<vscode.TextDocument> | vscode.TextDocument | undefined =>
    typeof arg === 'string' ? vscode.workspace.openTextDocument(vscode.Uri.parse(arg)) : vscode.window.activeTextEditor?.document;

  const move = (direction: 1 | -1) => async (): Promise<EditorMention | undefined> => {
    const editor = vscode.window.activeTextEditor;
    if (editor === undefined) return undefined;
    const offset = editor.document.offsetAt(direction > 0 ? editor.selection.end : editor.selection.start);
    const open = s.mentions.mentionsOf(editor.document).filter((m) => m.anchored && isUnresolved(m));
    if (open.length === 0) {
      void vscode.window.setStatusBarMessage('Entity Linker: no unresolved mentions in this document.', 3000);
      return undefined;
    }
    // Wraps around at either end, like "next problem".
    const next = direction > 0 ? (open.find((m) => m.start >= offset && !(m.start === offset && editor.selection.isEmpty === false)) ?? open[0]) : ([...open].reverse().find((m) => m.end < offset || (m.start < offset && m.end <= offset)) ?? open[open.length - 1]);
    const range = new vscode.Range(editor.document.positionAt(next.start), editor.document.positionAt(next.end));
    // The cursor at the mention's start, so hover (Ctrl+K Ctrl+I) and the keybindings act on it.
    editor.selection = new vscode.Selection(range.end, range.start);
    editor.revealRange(range, vscode.TextEditorRevealType.InCenterIfOutsideViewport);
    return next;
  };

  return {
    'entityLinker.acceptTop': guarded('Accept', async (arg) => {
      const t = await target(arg);
      if (t === undefined) return undefined;
      await s.mentions.acceptMention(t.document, t.mention);
      return s.mentions.mentionsOf(t.document).find((m) => m.start === t.mention.start && m.end === t.mention.end)?.kbId;
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
      const kbId = await pickCandidate(t.mention, s.mentions.links);
      if (kbId !== undefined) await s.mentions.acceptMention(t.document, t.mention, kbId);
      return kbId;
    }),
    'entityLinker.markNil': guarded('Mark NIL', async (arg) => {
      const t = await target(arg);
      if (t !== undefined) await s.mentions.markMentionNil(t.document, t.mention);
    }),
    'entityLinker.reject': guarded('Reject', async (arg) => {
      const t = await target(arg);
      if (t !== undefined) await s.mentions.rejectMention(t.document, t.mention);
    }),
    'entityLinker.nextMention': guarded('Next Mention', move(1)),
    'entityLinker.previousMention': guarded('Previous Mention', move(-1)),
    'entityLinker.linkSelection': guarded('Link Selection', async (arg) => {
      let document: vscode.TextDocument | undefined;
      let start: number;
      let end: number;
      if (isMentionArgs(arg)) {
        document = await vscode.workspace.openTextDocument(vscode.Uri.parse(arg.uri));
        ({ start, end } = arg);
      } else {
        const editor = vscode.window.activeTextEditor;
        if (editor === undefined || editor.selection.isEmpty) throw new LinkerError('usage', 'Select the text of a mention first.');
        document = editor.document;
        start = document.offsetAt(editor.selection.start);
        end = document.offsetAt(editor.selection.end);
      }
      const text = document.getText();
      // Surrounding spaces are not part of a mention.
      while (start < end && /\s/.test(text[start])) start++;
      while (end > start && /\s/.test(text[end - 1])) end--;
      if (start >= end) throw new LinkerError('usage', 'The selection holds only white space.');
      const mention = await s.mentions.linkSpan(document, start, end);
      if (!isMentionArgs(arg)) {
        const kbId = await pickCandidate(mention, s.mentions.links);
        if (kbId !== undefined) await s.mentions.acceptMention(document, mention, kbId);
      }
      return mention.linked?.candidates[0]?.id;
    }),
    'entityLinker.acceptAllAbove': guarded('Accept All Above Threshold', async (arg, thresholdArg) => {
      const document = await activeDocument(arg);
      if (document === undefined) return 0;
      const threshold = typeof thresholdArg === 'number' ? thresholdArg : s.acceptThreshold();
      const count = await s.mentions.acceptAllAbove(document, threshold);
      if (typeof arg !== 'string') void vscode.window.showInformationMessage(`Entity Linker: accepted ${count} mention(s) with confidence of at least ${threshold}.`);
      return count;
    }),
    'entityLinker.undoAnnotation': guarded('Undo Annotation', async (arg) => {
      const document = await activeDocument(arg);
      return document === undefined ? false : s.mentions.undo(document);
    }),
    'entityLinker.redoAnnotation': guarded('Redo Annotation', async (arg) => {
      const document = await activeDocument(arg);
      return document === undefined ? false : s.mentions.redo(document);
    }),
    'entityLinker.importAnnotations': guarded('Import Annotations', async (pathArg, formatArg) => importAnnotations(s, pathArg, formatArg)),
    'entityLinker.reloadLinker': guarded('Reload', async () => s.reload()),
    'entityLinker.revealMention': guarded('Reveal Mention', async (arg) => {
      if (isMentionArgs(arg)) await s.mentions.reveal(arg);
    }),
  };
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
  s.logger.info(`Imported ${file}: ${report.documents} documents, ${report.added} annotations added, ${report.duplicates} already present, ${report.textsWritten} texts written.`);
  if (typeof pathArg !== 'string') void vscode.window.showInformationMessage(`Entity Linker: imported ${report.added} annotation(s) in ${report.documents} document(s) (${report.duplicates} already present, ${report.textsWritten} text file(s) created).`);
  return report.added;
}
