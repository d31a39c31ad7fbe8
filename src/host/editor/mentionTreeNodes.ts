import type { AnnotationStatus } from '../../core/annotations/annotationRecord';
import type { EditorMention, MentionStatus } from '../linking/editorMention';

/** The order of the status groups under "Current document". */
export const STATUS_ORDER: readonly MentionStatus[] = ['needsReview', 'predicted', 'suggested', 'accepted', 'nil', 'rejected'];

/** An element of the Mentions view. A `hint` is a row that says why a scope is empty and what to do. */
export type MentionTreeNode =
  | { readonly kind: 'scope'; readonly scope: 'document' | 'workspace' }
  | { readonly kind: 'group'; readonly uri: string; readonly status: MentionStatus; readonly mentions: readonly EditorMention[] }
  | { readonly kind: 'mention'; readonly uri: string; readonly mention: EditorMention }
  | { readonly kind: 'file'; readonly uri: string; readonly label: string; readonly counts: ReadonlyMap<AnnotationStatus, number> }
  | { readonly kind: 'hint'; readonly label: string; readonly description: string };

/** Link Selection's keybinding, as the hint names it (package.json binds ctrl+alt+l, cmd+alt+l on macOS). */
export function linkSelectionKey(platform: string): string {
  return platform === 'darwin' ? '⌥⌘L' : 'Ctrl+Alt+L';
}

/**
 * The children of "Current document": its mentions grouped by status in STATUS_ORDER, empty groups left out;
 * with no mention at all, one hint row instead of an empty node (one the linker does not follow says so).
 * No vscode import: tested as plain data.
 */
export function documentChildren(uri: string, mentions: readonly EditorMention[], tracked: boolean, platform: string): MentionTreeNode[] {
  const groups = STATUS_ORDER.map((status) => ({ kind: 'group' as const, uri, status, mentions: mentions.filter((m) => m.status === status) })).filter((g) => g.mentions.length > 0);
  if (groups.length > 0) return groups;
  if (!tracked) return [{ kind: 'hint', label: 'Not linked', description: 'the linker follows the languages in entityLinker.linking.languages and files in entityLinker.linking.include' }];
  return [{ kind: 'hint', label: 'No mentions yet', description: `select a name, then Link Selection (${linkSelectionKey(platform)})` }];
}
