import * as vscode from 'vscode';
import type { Logger } from '../core/log';
import type { LinkService } from './linking/linkService';
import type { PanelManager } from './panels/panelManager';
import type { CurationFlow } from './panels/curationPicker';
import { reportError } from './errorReporting';
import { EDITOR_COMMAND_IDS, createEditorCommands, type EditorCommandServices } from './editor/editorCommands';
import { TRAINING_COMMAND_IDS, createTrainingCommands, type TrainingCommandServices } from './training/trainingCommands';
import { mentionRefOfTreeItem } from './editor/mentionTree';

/** Every command the extension contributes; package.json `contributes.commands` lists exactly these. */
export const COMMAND_IDS = ['entityLinker.showLog', 'entityLinker.compareTexts', 'entityLinker.showMention', 'entityLinker.showCorpus', 'entityLinker.copyPanelTable', 'entityLinker.curateDisagreements', 'entityLinker.setKbStorePassword', 'entityLinker.forgetLearning', ...EDITOR_COMMAND_IDS, ...TRAINING_COMMAND_IDS] as const;

export type CommandId = (typeof COMMAND_IDS)[number];

/** What command handlers may use; the composition root provides it. */
export interface CommandServices {
  readonly logger: Logger;
  readonly showLog: () => void;
  /** The linking session in the linker worker: the one owner of the model. */
  readonly links: LinkService;
  readonly panels: PanelManager;
  /** The annotation commands (editor/editorCommands.ts). */
  readonly editor: EditorCommandServices;
  /** Export, fine-tuning and model switching (training/trainingCommands.ts). */
  readonly training: TrainingCommandServices;
  /** Curate Disagreements (panels/curationPicker.ts). */
  readonly curation: CurationFlow;
  /** Asks for the KB store's password, keeps it in SecretStorage and reloads the linker (linking/kbStoreSecret.ts). */
  readonly setKbStorePassword: () => Promise<void>;
  /** Forget What Was Learned (learning/forgetLearning.ts): the decisions forgotten, undefined if declined. */
  readonly forgetLearning: (options: unknown) => Promise<number | undefined>;
}

export type CommandHandler = (...args: unknown[]) => unknown;

/** The command table: one handler per id, so a missing or extra command is a type error. */
export function createCommands(services: CommandServices): Record<CommandId, CommandHandler> {
  return {
    'entityLinker.showLog': () => services.showLog(),
    'entityLinker.compareTexts': (first?: unknown, second?: unknown) => compareTexts(services, first, second),
    // A MentionRef (hover, code action, tree), a Uri and an offset, or nothing: the mention at the cursor.
    'entityLinker.showMention': (target?: unknown, offset?: unknown) =>
      reporting(services, 'Show Hard Negatives', () => services.panels.showMention(mentionRefOfTreeItem(target) ?? target, offset).then(() => undefined)),
    'entityLinker.showCorpus': () => reporting(services, 'Corpus Analysis', () => services.panels.showCorpus().then(() => undefined)),
    'entityLinker.copyPanelTable': () => reporting(services, 'Copy Panel Table', () => services.panels.copyTable()),
    'entityLinker.curateDisagreements': () => reporting(services, 'Curate Disagreements', () => services.curation.run()),
    'entityLinker.setKbStorePassword': () => reporting(services, 'Set KB Store Password', () => services.setKbStorePassword()),
    'entityLinker.forgetLearning': (options?: unknown) => reporting(services, 'Forget What Was Learned', () => services.forgetLearning(options)),
    ...createEditorCommands(services.editor),
    ...createTrainingCommands(services.training),
  };
}

/**
 * Embeds two texts with the linking session's encoder (in the linker worker; the first text as a mention, the
 * second as an entity description) and shows their cosine similarity: the quickest check that the model loads
 * and behaves. Called with two strings (from code or a test) it asks nothing, returns the cosine and lets errors through;
 * from the palette it asks for both texts and shows errors to the user.
 */
async function compareTexts(services: CommandServices, first: unknown, second: unknown): Promise<number | undefined> {
  const programmatic = typeof first === 'string' && typeof second === 'string';
  try {
    const a = programmatic ? first : await askText('First text', 'Steve Jobs co-founded Apple');
    if (a === undefined) {
      return undefined;
    }
    const b = programmatic ? second : await askText('Second text', 'Apple Inc. is an American technology company');
    if (b === undefined) {
      return undefined;
    }
    const { cosine, provider, dims } = await services.links.compareTexts(a, b);
    services.logger.info(`compareTexts: cosine ${cosine.toFixed(4)} for ${JSON.stringify(a)} / ${JSON.stringify(b)}.`);
    if (!programmatic) {
      void vscode.window.showInformationMessage(`Cosine similarity: ${cosine.toFixed(3)} (${provider}, ${dims}-d).`);
    }
    return cosine;
  } catch (e) {
    if (programmatic) {
      throw e;
    }
    reportError(services.logger, 'Compare Two Texts', e, services.showLog);
    return undefined;
  }
}

/** Runs a palette action, showing a failure to the user once (the panels show their own load errors). */
async function reporting<T>(services: CommandServices, what: string, action: () => Promise<T>): Promise<T | undefined> {
  try {
    return await action();
  } catch (e) {
    reportError(services.logger, what, e, services.showLog);
    return undefined;
  }
}

async function askText(title: string, placeHolder: string): Promise<string | undefined> {
  return vscode.window.showInputBox({
    title: `Entity Linker: Compare Two Texts - ${title}`,
    placeHolder,
    ignoreFocusOut: true,
    validateInput: (value) => (value.trim() === '' ? 'Enter some text.' : undefined),
  });
}
