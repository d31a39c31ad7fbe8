import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FINETUNED_KIND, type FinetunedManifest, MANIFEST_FILE } from '../../core/encoder/finetuned/finetunedModel';
import { CONFIG_SECTION } from '../config';
import { type ModelPathPlacement, placeModelPath } from './modelPathSetting';

/** A model folder fine-tuned by the extension (under its global storage), as its manifest describes it. */
export interface FinetunedChoice {
  readonly dir: string;
  readonly manifest: FinetunedManifest;
}

/** Where fine-tuned models go: `<globalStorage>/models/<timestamp>-<negatives>`. */
export function modelsRoot(storageDir: string): string {
  return path.join(storageDir, 'models');
}

/** The fine-tuned folders found under the models root, newest first; folders without a readable manifest are skipped. */
export async function listFinetunedModels(storageDir: string): Promise<FinetunedChoice[]> {
  const root = modelsRoot(storageDir);
  const names = await fs.readdir(root).catch(() => [] as string[]);
  const found: FinetunedChoice[] = [];
  for (const name of names) {
    const dir = path.join(root, name);
    try {
      const manifest = JSON.parse(await fs.readFile(path.join(dir, MANIFEST_FILE), 'utf8')) as FinetunedManifest;
      if (manifest.kind === FINETUNED_KIND) found.push({ dir, manifest });
    } catch {
      // A half-written or foreign folder (training writes to a temporary name first) is not a choice.
    }
  }
  return found.sort((a, b) => (a.manifest.createdAt < b.manifest.createdAt ? 1 : a.manifest.createdAt > b.manifest.createdAt ? -1 : 0));
}

/**
 * Sets entityLinker.model.path (undefined: the built-in model) as placeModelPath decides (never an absolute path
 * in the shared workspace settings) and resolves once this extension host reads the new value: `update`
 * can resolve before the change reaches the host, and a session opened in between would load the old model.
 */
export async function setModelPath(dir: string | undefined, target?: 'workspace' | 'user'): Promise<ModelPathPlacement> {
  const placed = placeModelPath(dir, vscode.workspace.workspaceFolders?.[0]?.uri.fsPath, { target, trusted: vscode.workspace.isTrusted });
  const key = 'model.path';
  const scope = (t: 'workspace' | 'user'): vscode.ConfigurationTarget => (t === 'user' ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace);
  const other = placed.target === 'user' ? 'workspace' : 'user';
  const valueIn = (t: 'workspace' | 'user'): string | undefined => {
    const inspected = vscode.workspace.getConfiguration(CONFIG_SECTION).inspect<string>(key);
    return t === 'user' ? inspected?.globalValue : inspected?.workspaceValue;
  };
  const settled = (): boolean => valueIn(placed.target) === placed.value && (!placed.clearOther || valueIn(other) === undefined);
  // Listening starts before the update: the change event may arrive before `update` resolves.
  let finish = (): void => undefined;
  const landed = new Promise<void>((resolve) => (finish = resolve));
  const sub = vscode.workspace.onDidChangeConfiguration(() => settled() && finish());
  const timer = setTimeout(() => finish(), 10_000);
  try {
    const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
    if (placed.clearOther && !(other === 'workspace' && vscode.workspace.workspaceFolders === undefined) && valueIn(other) !== undefined) await config.update(key, undefined, scope(other));
    await config.update(key, placed.value, scope(placed.target));
    if (!settled()) await landed;
  } finally {
    clearTimeout(timer);
    sub.dispose();
  }
  return placed;
}

export function metricsLine(manifest: FinetunedManifest): string {
  const { before, after } = manifest.metrics;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  return `dev recall@64 ${pct(before['recall@64'])} → ${pct(after['recall@64'])}, @1 ${pct(before['recall@1'])} → ${pct(after['recall@1'])} (${after.mentions} dev mentions)`;
}
