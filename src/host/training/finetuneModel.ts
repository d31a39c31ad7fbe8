import * as path from 'node:path';
import * as vscode from 'vscode';
import { LinkerError } from '../../core/errors';
import { NEGATIVE_STRATEGIES, type NegativeStrategy } from '../../core/training/negativeMining';
import { type FinetuneChoices, type FinetuneSummary, percent } from '../../core/worker/trainingRequests';
import { DEFAULT_HEAD_TRAINING } from '../../core/training/trainHead';
import { abortSignalFrom } from '../cancellation';
import { finetuneMessage, finetuneVerdict } from './finetuneVerdict';
import { modelsRoot, setModelPath } from './modelChoices';
import type { TrainingCommandServices } from './trainingCommands';
import { progressReporter } from '../progressReporter';
import { storeRootFor } from './trainingUi';
import { readAnnotatorSettings } from '../linking/annotatorSettings';

/** Arguments for programmatic use: with them nothing is asked (the result is still shown, as to a user). */
export interface FinetuneArgs extends FinetuneChoices {
  /** Default: `<globalStorage>/models/<timestamp>-<negatives>`. */
  readonly outDir?: string;
  readonly workspace?: string;
}

const NEGATIVE_ITEMS: readonly (vscode.QuickPickItem & { negatives: NegativeStrategy })[] = [
  { negatives: 'mixed' as const, label: 'Mixed', detail: 'Half top-scoring wrong entities, half random ones: robust on small data.' },
  { negatives: 'hard' as const, label: 'Hard', detail: 'Only the wrong entities the current model scores highest (re-mined every epoch).' },
  { negatives: 'random' as const, label: 'Random', detail: 'Uniformly sampled wrong entities: the in-batch baseline.' },
].map((item) => (item.negatives === DEFAULT_HEAD_TRAINING.negatives ? { ...item, description: 'default' } : item));

export function isFinetuneArgs(value: unknown): value is FinetuneArgs {
  // A plain object only: a Uri or a tree item that a menu passes is not a set of arguments.
  if (typeof value !== 'object' || value === null || Object.getPrototypeOf(value) !== Object.prototype) return false;
  const n = (value as { negatives?: unknown }).negatives;
  return n === undefined || (typeof n === 'string' && (NEGATIVE_STRATEGIES as readonly string[]).includes(n));
}

/** A folder name that sorts by time and says how it was trained. */
export function newModelFolder(storageDir: string, negatives: NegativeStrategy, now = new Date()): string {
  return path.join(modelsRoot(storageDir), `${now.toISOString().replace(/[:.]/g, '-')}-${negatives}`);
}

/**
 * Fine-tunes the current session's model on the workspace's confirmed annotations, in the linker worker, under
 * a cancellable notification that shows each epoch's loss and dev recall@64. The new folder appears only when
 * training has finished (the core writes to a temporary name and renames), so cancelling leaves nothing behind
 * and the active model is never touched; using the new model is a separate, offered step.
 */
export async function finetuneModel(services: TrainingCommandServices, args: FinetuneArgs | undefined): Promise<FinetuneSummary | undefined> {
  let negatives = args?.negatives;
  if (negatives === undefined && args === undefined) {
    negatives = (await vscode.window.showQuickPick(NEGATIVE_ITEMS, { title: 'Entity Linker: Fine-tune - negatives', ignoreFocusOut: true }))?.negatives;
    if (negatives === undefined) return undefined;
  }
  const strategy = negatives ?? DEFAULT_HEAD_TRAINING.negatives;
  const storeRoot = await storeRootFor(args?.workspace);
  // An annotator with their own label files has their own online learning state (onlineStateFileFor).
  const annotator = readAnnotatorSettings(vscode.workspace.getConfiguration('entityLinker'), (m) => services.logger.warn(m));
  const outDir = args?.outDir ?? newModelFolder(services.storageDir, strategy);
  const parent = (await services.links.ready()).modelDir;
  services.logger.info(`Fine-tune: ${strategy} negatives, annotations of ${storeRoot}, parent model ${parent}, new folder ${outDir}.`);
  const summary = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: `Entity Linker: fine-tuning (${strategy} negatives)`, cancellable: true },
    async (progress, token) => {
      const abort = abortSignalFrom(token);
      try {
        return await services.links.request(
          {
            kind: 'finetune',
            request: {
              storeRoot,
              outDir,
              ...(annotator.ownFiles ? { annotator: annotator.name } : {}),
              negatives: strategy,
              epochs: args?.epochs,
              numNegatives: args?.numNegatives,
              devFraction: args?.devFraction,
              seed: args?.seed,
            },
          },
          { signal: abort.signal, onProgress: progressReporter(progress) },
        );
      } finally {
        abort.dispose();
      }
    },
  );
  const linkerLine = summary.linker === undefined ? '' : `linker accuracy ${percent(summary.linker.before)} → ${percent(summary.linker.after)}, `;
  const line = `${linkerLine}recall@64 ${percent(summary.before['recall@64'])} → ${percent(summary.after['recall@64'])}, recall@1 ${percent(summary.before['recall@1'])} → ${percent(summary.after['recall@1'])} on ${summary.devMentions} dev mentions (trained on ${summary.trainMentions}, best epoch ${summary.bestEpoch}, ${summary.seconds.toFixed(1)} s)`;
  const verdict = finetuneVerdict(summary);
  services.logger.info(`Fine-tune: new model ${summary.outDir} (${summary.modelId.slice(0, 12)}): ${line}; ${verdict}.`);
  // Programmatic calls (tests) are told too, so what a user would see is what the tests read.
  void offerUse(services, summary, finetuneMessage(verdict, line));
  return summary;
}

async function offerUse(services: TrainingCommandServices, summary: FinetuneSummary, message: ReturnType<typeof finetuneMessage>): Promise<void> {
  const use = message.success ? 'Use the new model' : 'Use It Anyway';
  const actions = message.offerUse ? [use, 'Show Log'] : ['Show Log'];
  const picked = await services.notifier.show(message.success ? 'info' : 'warning', message.text, ...actions);
  if (picked === 'Show Log') services.showLog();
  if (picked !== use) return;
  try {
    await useModel(services, summary.outDir);
  } catch (e) {
    services.report('Use the new model', e);
  }
}

/** Points entityLinker.model.path at a folder (undefined: the built-in model) and reloads the linker on it. */
export async function useModel(services: TrainingCommandServices, dir: string | undefined, target?: 'workspace' | 'user'): Promise<void> {
  if (services.links.state === 'loading') throw new LinkerError('usage', 'The linker is loading; switch models once it is ready.');
  // The session is dropped and no session opens until the setting has landed: a panel or an editor that asks
  // meanwhile waits and then opens on the new model. With no session open, the change re-links open documents
  // at once (entityLinker.ts) instead of asking "reload now?".
  const placed = await services.links.reloadAfter(() => setModelPath(dir, target));
  services.logger.info(`Model set to ${dir ?? 'the built-in model'}: entityLinker.model.path ${placed.value === undefined ? 'removed' : `= ${JSON.stringify(placed.value)}`} in the ${placed.target} settings${placed.clearOther ? ' (removed from the other settings, where it would take precedence or linger)' : ''}; the linker loads it on next use.`);
}
