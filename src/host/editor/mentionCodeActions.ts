import * as vscode from 'vscode';
import { isOpenSuggestion } from '../linking/editorMention';
import type { MentionService } from '../linking/mentionService';

/** Code action kinds this provider returns (declared to VS Code so it can ask only when they are wanted). */
export const MENTION_ACTION_KINDS = [vscode.CodeActionKind.QuickFix.append('entityLinker'), vscode.CodeActionKind.Refactor.append('entityLinker')];

/**
 * The labelling actions at the cursor as code actions (Ctrl+.): accept the top candidate, choose another,
 * NIL, reject; accept or reject this one with every open one after it; on a selection that is no mention, link it. Each runs the same command as its keybinding.
 */
export class MentionCodeActions implements vscode.CodeActionProvider {
  static readonly metadata: vscode.CodeActionProviderMetadata = { providedCodeActionKinds: MENTION_ACTION_KINDS };

  constructor(private readonly mentions: MentionService) {}

  provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection): vscode.CodeAction[] {
    const offset = document.offsetAt(range.start);
    const mention = this.mentions.editorMentionAt(document, offset);
    const actions: vscode.CodeAction[] = [];
    const quickFix = MENTION_ACTION_KINDS[0];
    if (mention !== undefined) {
      const args = { uri: document.uri.toString(), start: mention.start, end: mention.end };
      const top = mention.linked?.candidates[0] ?? mention.annotation?.candidates[0];
      if (top !== undefined && mention.status !== 'accepted') {
        actions.push(action(`Link "${mention.text}" to ${top.title} (${top.id})`, quickFix, 'entityLinker.acceptTop', args, true));
      }
      actions.push(action(`Choose the entity for "${mention.text}"…`, quickFix, 'entityLinker.chooseCandidate', args));
      if (mention.status !== 'nil') actions.push(action(`Mark "${mention.text}" NIL (not in the KB)`, quickFix, 'entityLinker.markNil', args));
      if (mention.status !== 'rejected') actions.push(action(`Reject "${mention.text}" (not a mention)`, quickFix, 'entityLinker.reject', args));
      // Accept / Reject Remaining: this one and every open mention after it (the rest of the document is linked
      // right / is no mentions).
      const after = this.mentions.mentionsOf(document).filter((m) => isOpenSuggestion(m) && m.start > mention.start).length;
      if (after > 0 && isOpenSuggestion(mention)) {
        const rest = `"${mention.text}" and the ${after} open mention${after === 1 ? '' : 's'} after it`;
        actions.push(action(`Accept the top candidates of ${rest}`, quickFix, 'entityLinker.acceptRemaining', args));
        actions.push(action(`Reject ${rest}`, quickFix, 'entityLinker.rejectRemaining', args));
      }
      const ref = { ...args, ...(mention.annotation === undefined ? {} : { annotationId: mention.annotation.id }) };
      actions.push(action(`Show the hardest negatives of "${mention.text}"`, quickFix, 'entityLinker.showMention', ref));
    } else if (!range.isEmpty) {
      actions.push(action('Link the selection to an entity…', MENTION_ACTION_KINDS[1], 'entityLinker.linkSelection', undefined));
    }
    return actions;
  }
}

function action(title: string, kind: vscode.CodeActionKind, command: string, args: unknown, preferred = false): vscode.CodeAction {
  const a = new vscode.CodeAction(title, kind);
  a.command = { title, command, arguments: args === undefined ? [] : [args] };
  a.isPreferred = preferred;
  return a;
}
