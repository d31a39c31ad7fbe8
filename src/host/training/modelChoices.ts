import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FINETUNED_KIND, type FinetunedManifest, MANIFEST_FILE } from '../../core/encoder/finetuned/finetunedModel';
import { CONFIG_SECTION } from '../config';

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
 * Sets entityLinker.model.path (undefined: the built-in model) where it takes effect: the workspace when one is
 * open and trusted (an untrusted workspace's model.path is ignored), else the user settings.
 */
export async function setModelPath(dir: string | undefined, target?: 'workspace' | 'user'): Promise<vscode.ConfigurationTarget> {
  const where = target === 'user' || (target === undefined && (vscode.workspace.workspaceFolders === undefined || !vscode.workspace.isTrusted)) ? vscode.ConfigurationTarget.Global : vscode.ConfigurationTarget.Workspace;
  await vscode.workspace.getConfiguration(CONFIG_SECTION).update('model.path', dir, where);
  return where;
}

export function metricsLine(manifest: FinetunedManifest): string {
  const { before, after } = manifest.metrics;
  const pct = (x: number): string => `${(100 * x).toFixed(1)}%`;
  return `dev recall@64 ${pct(before['recall@64'])} → ${pct(after['recall@64'])}, @1 ${pct(before['recall@1'])} → ${pct(after['recall@1'])} (${after.mentions} dev mentions)`;
}
