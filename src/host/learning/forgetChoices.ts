import { plural } from '../../shared/plural';

/** A row of the Forget What Was Learned confirmation (a QuickPickItem with what it means). */
export interface ForgetChoice {
  readonly label: string;
  readonly detail: string;
  /** True only on the row that forgets. */
  readonly forget: boolean;
}

/**
 * The confirmation of Entity Linker: Forget What Was Learned, as a list whose first row, the one Enter takes
 * when nothing is moved, keeps what was learned; forgetting (which cannot be undone) is the second row, reached
 * on purpose with Down or by typing. No vscode import: the order is tested as plain data.
 */
export function forgetChoices(decisions: number): { readonly title: string; readonly placeholder: string; readonly items: readonly ForgetChoice[] } {
  return {
    title: `Forget what the linker learned from ${plural(decisions, 'decision')} in this workspace?`,
    placeholder: 'Enter keeps what was learned; pick "Forget" to forget it',
    items: [
      { label: '$(check) Keep what was learned', detail: 'Change nothing.', forget: false },
      {
        label: '$(trash) Forget what was learned',
        detail: 'Your annotations stay. The linker goes back to the model\'s own ranker, names and prior; the saved state (.entity-links/.online-learning.json) is deleted. Decisions made from now on are learned afresh. This cannot be undone.',
        forget: true,
      },
    ],
  };
}
