import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXECUTION_PROVIDER_CHOICES, type ExecutionProviderChoice } from '../core/encoder/encoder';
import { asPrecisionChoice, PRECISION_CHOICES, type PrecisionChoice } from '../core/encoder/precision';
import { type LinkingSettings, readLinkingSettings, trustedValue } from './linking/linkingSettings';

/** The settings section; every key below lives under it (see contributes.configuration in package.json). */
export const CONFIG_SECTION = 'entityLinker';

/** Folder of the built-in encoder inside the extension (built by `npm run build:model`, shipped in the .vsix). */
export const BUNDLED_MODEL_DIR = path.join('models', 'use-lite');

export interface ModelSettings {
  /** Absolute folder of the encoder to load. */
  readonly dir: string;
  /** True when `dir` is the built-in USE-lite model, which the extension may (re)build itself. */
  readonly isBundled: boolean;
  readonly provider: ExecutionProviderChoice;
  /** The built-in model's precision (auto: int8 on CPUs with VNNI). */
  readonly precision: PrecisionChoice;
  /** A folder of onnxruntime CUDA provider libraries the user has (machine-scoped setting; undefined: none). */
  readonly cudaProviderDir?: string;
}

export interface EntityLinkerSettings {
  readonly model: ModelSettings;
  /** KB sources, document linking and annotation (linking/linkingSettings.ts). */
  readonly linking: LinkingSettings;
}

/**
 * Reads and validates every setting. Bad values fall back to the default with a warning, so a typo in
 * settings.json never stops activation.
 */
export function readSettings(extensionPath: string, warn: (message: string) => void): EntityLinkerSettings {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  return { model: readModelSettings(config, extensionPath, warn), linking: readLinkingSettings(config, warn) };
}

function readModelSettings(config: vscode.WorkspaceConfiguration, extensionPath: string, warn: (message: string) => void): ModelSettings {
  // In an untrusted workspace a workspace-chosen model folder is ignored (it could hold anything).
  const rawPath = trustedValue<string>(config, 'model.path', '').trim();
  const rawProvider = config.get<string>('model.provider') ?? 'auto';
  let provider: ExecutionProviderChoice = 'auto';
  if ((EXECUTION_PROVIDER_CHOICES as readonly string[]).includes(rawProvider)) {
    provider = rawProvider as ExecutionProviderChoice;
  } else {
    warn(`Setting ${CONFIG_SECTION}.model.provider has the unknown value '${rawProvider}'; using 'auto'. Valid: ${EXECUTION_PROVIDER_CHOICES.join(', ')}.`);
  }
  const rawPrecision = config.get<string>('model.precision') ?? 'auto';
  const precision = asPrecisionChoice(rawPrecision) ?? 'auto';
  if (precision !== rawPrecision) {
    warn(`Setting ${CONFIG_SECTION}.model.precision has the unknown value '${rawPrecision}'; using 'auto'. Valid: ${PRECISION_CHOICES.join(', ')}.`);
  }
  // Machine-scoped in package.json: a workspace cannot choose native libraries to load.
  const rawCuda = (config.get<string>('model.cudaProviderDir') ?? '').trim();
  const gpu = rawCuda === '' ? {} : { cudaProviderDir: resolveUserPath(rawCuda) };
  if (rawPath === '') {
    return { dir: path.join(extensionPath, BUNDLED_MODEL_DIR), isBundled: true, provider, precision, ...gpu };
  }
  return { dir: resolveUserPath(rawPath), isBundled: false, provider, precision, ...gpu };
}

/** `~` is the home folder; a relative path is relative to the first workspace folder (else the home folder). */
function resolveUserPath(raw: string): string {
  const home = process.env.HOME ?? process.env.USERPROFILE ?? '';
  if (raw === '~' || raw.startsWith('~/')) {
    return path.join(home, raw.slice(1));
  }
  if (path.isAbsolute(raw)) {
    return raw;
  }
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? home;
  return path.resolve(base, raw);
}
