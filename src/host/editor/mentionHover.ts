import * as vscode from 'vscode';
import type { Entity } from '../../core/kb/entity';
import type { EditorMention } from '../linking/editorMention';
import type { MentionService } from '../linking/mentionService';
import { codeSpan, escapeMarkdown } from './markdownEscape';

/** Command the hover's candidate links run; its arguments are {@link AcceptCandidateArgs}. */
export const ACCEPT_CANDIDATE_COMMAND = 'entityLinker.acceptCandidate';

/** Opens the hard-negatives panel for a mention; its argument is a MentionRef. */
export const SHOW_MENTION_COMMAND = 'entityLinker.showMention';

export interface AcceptCandidateArgs {
  readonly uri: string;
  readonly start: number;
  readonly end: number;
  readonly kbId: string;
}

const DESCRIPTION_CHARS = 140;
const HOVER_CANDIDATES = 5;

function statusLine(m: EditorMention): string {
  switch (m.status) {
    case 'predicted':
      return m.linked?.nil === true ? 'predicted: NIL (no entity above the threshold)' : `predicted, confidence ${((m.confidence ?? 0) * 100).toFixed(0)}%`;
    case 'accepted':
      return `accepted: ${escapeMarkdown(m.title ?? m.kbId ?? '')} ${codeSpan(m.kbId ?? '')}`;
    case 'nil':
      return 'marked NIL (not in the KB)';
    case 'rejected':
      return 'rejected (not a mention)';
    case 'suggested':
      return 'suggested, not decided yet';
    case 'needsReview':
      return `needs review: ${escapeMarkdown(m.annotation?.review?.reason ?? 'the text changed')}`;
  }
}

/**
 * Shows the ranked candidates of the mention under the cursor: title, type, a description snippet, score and
 * probability, each with a link that accepts it. Only the accept command is enabled in the Markdown.
 */
export class MentionHoverProvider implements vscode.HoverProvider {
  constructor(private readonly mentions: MentionService) {}

  async provideHover(document: vscode.TextDocument, position: vscode.Position, token: vscode.CancellationToken): Promise<vscode.Hover | undefined> {
    const offset = document.offsetAt(position);
    // Next Unresolved selects a mention with the cursor at its end: Show Hover (Ctrl+K Ctrl+I) then asks at the
    // offset just past it, which counts only when exactly that mention is selected (a mouse there is on the next character).
    const editor = vscode.window.activeTextEditor;
    const selection = editor?.document === document && !editor.selection.isEmpty ? editor.selection : undefined;
    const selectedEnd = (m: { start: number; end: number }): boolean => selection !== undefined && offset === m.end && document.offsetAt(selection.start) === m.start && document.offsetAt(selection.end) === m.end;
    const mention = this.mentions.mentionsOf(document).find((m) => m.anchored && ((m.start <= offset && offset < m.end) || selectedEnd(m)));
    if (mention === undefined) return undefined;
    const candidates = (mention.linked?.candidates ?? mention.annotation?.candidates.map((c) => ({ ...c, probability: undefined })) ?? []).slice(0, HOVER_CANDIDATES);
    const entities = await this.mentions.links.entities(candidates.map((c) => c.id)).catch(() => candidates.map((): Entity | undefined => undefined));
    if (token.isCancellationRequested) return undefined;
    const md = new vscode.MarkdownString(undefined, true);
    md.isTrusted = { enabledCommands: [ACCEPT_CANDIDATE_COMMAND, SHOW_MENTION_COMMAND] };
    md.supportHtml = false;
    md.appendMarkdown(`**${escapeMarkdown(mention.text)}**: ${statusLine(mention)}\n\n`);
    candidates.forEach((c, i) => {
      const entity = entities[i];
      const args: AcceptCandidateArgs = { uri: document.uri.toString(), start: mention.start, end: mention.end, kbId: c.id };
      const link = `command:${ACCEPT_CANDIDATE_COMMAND}?${encodeURIComponent(JSON.stringify(args))}`;
      // The type after a separator, in plain text: italics right after the title read as part of it.
      const type = entity?.type === undefined ? '' : ` · ${escapeMarkdown(entity.type)} ·`;
      const probability = c.probability === undefined ? '' : `, p ${c.probability.toFixed(2)}`;
      const description = entity === undefined || entity.text === '' ? '' : `  \n&nbsp;&nbsp;${escapeMarkdown(snippet(entity.text))}`;
      md.appendMarkdown(`${i + 1}. [${escapeMarkdown(c.title)}](${link} "Accept this entity")${type} ${codeSpan(c.id)}, score ${c.score.toFixed(2)}${probability}${description}\n`);
    });
    if (candidates.length === 0) md.appendMarkdown('_No candidates._\n');
    const ref = { uri: document.uri.toString(), start: mention.start, end: mention.end, ...(mention.annotation === undefined ? {} : { annotationId: mention.annotation.id }) };
    md.appendMarkdown(`\n[$(telescope) Hardest negatives…](command:${SHOW_MENTION_COMMAND}?${encodeURIComponent(JSON.stringify([ref]))} "Why is the model confused? Open the hard-negatives panel")\n`);
    md.appendMarkdown('\n$(keyboard) Accept top `Ctrl+Alt+Enter` · choose `Ctrl+Alt+Space` · NIL `Ctrl+Alt+N` · reject `Ctrl+Alt+Backspace`');
    return new vscode.Hover(md, new vscode.Range(document.positionAt(mention.start), document.positionAt(mention.end)));
  }
}

function snippet(text: string): string {
  return text.length > DESCRIPTION_CHARS ? `${text.slice(0, DESCRIPTION_CHARS - 1)}…` : text;
}
