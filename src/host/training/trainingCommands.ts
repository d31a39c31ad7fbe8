import * as path from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/log';
import type { LinkService } from '../linking/linkService';
import type { Notifier } from '../notifier';
import { type ExportTrainingArgs, exportTrainingData, isExportArgs } from './exportTrainingData';
import { type FinetuneArgs, finetuneModel, isFinetuneArgs, useModel } from './finetuneModel';
import { listFinetunedModels, metricsLine } from './modelChoices';

/** The training commands; package.json contributes each. */
export const TRAINING_COMMAND_IDS = ['entityLinker.exportTrainingData', 'entityLinker.finetune', 'entityLinker.switchModel'] as const;

export type TrainingCommandId = (typeof TRAINING_COMMAND_IDS)[number];

export interface TrainingCommandServices {
  readonly links: LinkService;
  readonly logger: Logger;
  readonly showLog: () => void;
  /** The extension's global storage folder (fine-tuned models go under its `models/`). */
  readonly storageDir: string;
  /** The active model folder (the setting, resolved) and whether it is the built-in one. */
  readonly currentModel: () => { readonly dir: string; readonly isBundled: boolean };
  /** Shows a failure to the user once. */
  readonly report: (what: string, e: unknown) => void;
  /** Shows (and keeps, for the test hooks) the fine-tune result. */
  readonly notifier: Notifier;
}

/** Arguments of switchModel for programmatic use: `path` null or '' is the built-in model. */
export interface SwitchModelArgs {
  readonly path: string | null;
  readonly target?: 'workspace' | 'user';
}

function isSwitchArgs(value: unknown): value is SwitchModelArgs {
  // A plain object only: a Uri (which has a `path`) passed by a menu is not a set of arguments.
  return typeof value === 'object' && value !== null && Object.getPrototypeOf(value) === Object.prototype && 'path' in value && (typeof value.path === 'string' || value.path === null);
}

/**
 * Called with an arguments object (tests, other extensions) a command asks nothing, returns its result and
 * lets errors through; from the palette it asks and shows errors to the user.
 */
export function createTrainingCommands(services: TrainingCommandServices): Record<TrainingCommandId, (...args: unknown[]) => unknown> {
  const run = async <A, R>(what: string, args: unknown, guard: (v: unknown) => v is A, action: (a: A | undefined) => Promise<R>): Promise<R | undefined> => {
    if (guard(args)) return action(args);
    try {
      return await action(undefined);
    } catch (e) {
      services.report(what, e);
      return undefined;
    }
  };
  return {
    'entityLinker.exportTrainingData': (args?: unknown) => run<ExportTrainingArgs, unknown>('Export Training Data', args, isExportArgs, (a) => exportTrainingData(services, a)),
    'entityLinker.finetune': (args?: unknown) => run<FinetuneArgs, unknown>('Fine-tune', args, isFinetuneArgs, (a) => finetuneModel(services, a)),
    'entityLinker.switchModel': (args?: unknown) => run<SwitchModelArgs, string | undefined>('Switch Model', args, isSwitchArgs, (a) => switchModel(services, a)),
  };
}

/** Returns the model folder now set ('' for the built-in model), or undefined when the user backed out. */
async function switchModel(services: TrainingCommandServices, args: SwitchModelArgs | undefined): Promise<string | undefined> {
  if (args !== undefined) {
    const dir = args.path === null || args.path === '' ? undefined : args.path;
    await useModel(services, dir, args.target);
    return dir ?? '';
  }
  const current = services.currentModel();
  const models = await listFinetunedModels(services.storageDir);
  type Item = vscode.QuickPickItem & { dir: string | undefined };
  const items: Item[] = [
    { dir: undefined, label: 'Built-in model', description: 'USE-lite, shipped with the extension' },
    ...models.map((m): Item => ({ dir: m.dir, label: path.basename(m.dir), description: metricsLine(m.manifest), detail: `parent ${m.manifest.parent.path} · model ${m.manifest.modelId.slice(0, 12)}` })),
  ];
  for (const item of items) {
    const active = item.dir === undefined ? current.isBundled : path.resolve(item.dir) === path.resolve(current.dir);
    if (active) item.label = `$(check) ${item.label}`;
  }
  const picked = await vscode.window.showQuickPick(items, { title: 'Entity Linker: Switch Model', placeHolder: models.length === 0 ? 'No fine-tuned models yet (Entity Linker: Fine-tune)' : 'Fine-tuned models, newest first, with dev metrics before → after' });
  if (picked === undefined) return undefined;
  await useModel(services, picked.dir);
  return picked.dir ?? '';
}
