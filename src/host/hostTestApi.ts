import type { EditorTestApi } from './editor/editorTestApi';
import type { MentionBackend } from './linking/mentionBackend';
import type { ShownNotification } from './notifier';

/**
 * What activate() returns under the test harness only (testHooks.ts): the editor's read-only API plus the
 * host's notifications, the status bar, and the labelling backend the panels act through (the production
 * MentionService, so a test drives what a panel button does).
 */
export interface HostTestApi extends EditorTestApi {
  notifications(): readonly ShownNotification[];
  /** The next notification that offers `action` is answered with it (as if the user clicked it). */
  replyToNextNotification(action: string): void;
  /** The linker's status bar text. */
  statusText(): string;
  mentionBackend(): MentionBackend;
  /** Which Quick Pick of Curate Disagreements is open ('list', 'choice'), if any. */
  curationStep(): 'list' | 'choice' | undefined;
}
