import * as path from 'node:path';
import * as vscode from 'vscode';
import { ANNOTATION_DIR } from '../../core/annotations/annotationPaths';
import type { DetectionMode } from '../../core/linker/gazetteer';
import type { KbSourceSpec } from '../../core/kb/sniffFormat';
import { parseSourceArg } from '../../core/kb/sniffFormat';
import { LINK_SELECTION_ACCEPT_ABOVE } from '../../core/simulation/simulationTypes';
import { parseStoreUrl } from '../../core/store/storeUrl';

/** Settings of document linking and annotation (contributes.configuration, sections "Knowledge base", "Linking", "Annotation"). */
export interface LinkingSettings {
  /** KB sources; empty: the built-in WordNet KB. */
  readonly kbSources: readonly KbSourceSpec[];
  readonly kbConfig: string | undefined;
  /** A PostgreSQL KB store URL without a password (the password is in SecretStorage); undefined: the embedded index. */
  readonly kbStore: string | undefined;
  /** Skip bad KB records (each reported) instead of failing at the first: the CLI's --lenient. */
  readonly lenient: boolean;
  readonly enabled: boolean;
  /** Language ids linked in the background. */
  readonly languages: readonly string[];
  /** Glob patterns of further files linked in the background, whatever their language. */
  readonly include: readonly string[];
  readonly topK: number;
  readonly detection: DetectionMode;
  /** Detection proposes pronouns an earlier mention resolves (src/core/coreference). */
  readonly pronouns: boolean;
  readonly nilThreshold: number;
  readonly debounceMs: number;
  /** "Accept all above threshold" accepts predictions whose top probability is at least this. */
  readonly acceptThreshold: number;
  /** A prediction whose top two scores differ by less than this is shown as ambiguous. */
  readonly ambiguousMargin: number;
  /** Accept, choose, NIL and reject move the cursor to the next unresolved mention (one key per decision). */
  readonly autoAdvance: boolean;
  /** The order Next and auto-advance visit open mentions in: document order, or least certain first. */
  readonly advanceOrder: 'document' | 'uncertainty';
  /** After a document's last open mention, auto-advance and Next Unresolved open the next document of the annotation queue. */
  readonly advanceAcrossDocuments: boolean;
  /** Link Selection accepts a top candidate at least this probable without opening the picker (1: always the picker). */
  readonly linkSelectionAcceptAbove: number;
}

/** Paths a workspace could point at anything: in an untrusted workspace only the user's own value counts. */
export const TRUST_RESTRICTED_KEYS: readonly string[] = ['kb.sources', 'kb.config', 'kb.store', 'model.path'];

/**
 * A setting's value, ignoring workspace and folder values in an untrusted workspace (VS Code's
 * restrictedConfigurations hides them from the Settings UI, but `get` still returns them).
 */
export function trustedValue<T>(config: vscode.WorkspaceConfiguration, key: string, fallback: T): T {
  if (!vscode.workspace.isTrusted && TRUST_RESTRICTED_KEYS.includes(key)) {
    const inspected = config.inspect<T>(key);
    return inspected?.globalValue ?? inspected?.defaultValue ?? fallback;
  }
  return config.get<T>(key) ?? fallback;
}

export function readLinkingSettings(config: vscode.WorkspaceConfiguration, warn: (message: string) => void): LinkingSettings {
  const sources: KbSourceSpec[] = [];
  for (const raw of trustedValue<unknown[]>(config, 'kb.sources', [])) {
    if (typeof raw !== 'string' || raw.trim() === '') {
      warn(`Setting entityLinker.kb.sources holds ${JSON.stringify(raw)}, which is not a source string; skipped.`);
      continue;
    }
    try {
      const spec = parseSourceArg(raw);
      sources.push(spec.path === 'wordnet' ? spec : { ...spec, path: resolveWorkspacePath(spec.path) });
    } catch (e) {
      warn(`Setting entityLinker.kb.sources: ${(e as Error).message}`);
    }
  }
  const kbConfig = trustedValue<string>(config, 'kb.config', '').trim();
  const detection = config.get<string>('linking.detection') ?? 'names';
  if (detection !== 'names' && detection !== 'all-words') warn(`Setting entityLinker.linking.detection has the unknown value '${detection}'; using 'names'.`);
  return {
    kbSources: sources,
    kbConfig: kbConfig === '' ? undefined : resolveWorkspacePath(kbConfig),
    kbStore: readKbStore(trustedValue<string>(config, 'kb.store', '').trim(), warn),
    lenient: config.get<boolean>('kb.lenient') ?? false,
    enabled: config.get<boolean>('linking.enabled') ?? true,
    languages: stringList(config.get<unknown>('linking.languages'), ['plaintext', 'markdown']),
    include: stringList(config.get<unknown>('linking.include'), []),
    topK: clampInt(config.get<number>('linking.topK'), 1, 50, 5),
    detection: detection === 'all-words' ? 'all-words' : 'names',
    pronouns: config.get<boolean>('linking.pronouns') ?? false,
    nilThreshold: clampNumber(config.get<number>('linking.nilThreshold'), 0, 1, 0),
    debounceMs: clampInt(config.get<number>('linking.debounceMs'), 0, 10_000, 400),
    acceptThreshold: clampNumber(config.get<number>('annotation.acceptThreshold'), 0, 1, 0.9),
    ambiguousMargin: clampNumber(config.get<number>('annotation.ambiguousMargin'), 0, 100, 0.5),
    autoAdvance: config.get<boolean>('annotation.autoAdvance') ?? true,
    advanceOrder: config.get<string>('annotation.advanceOrder') === 'uncertainty' ? 'uncertainty' : 'document',
    advanceAcrossDocuments: config.get<boolean>('annotation.advanceAcrossDocuments') ?? true,
    linkSelectionAcceptAbove: clampNumber(config.get<number>('annotation.linkSelectionAcceptAbove'), 0, 1, LINK_SELECTION_ACCEPT_ABOVE),
  };
}

/** Whether a document is linked in the background under these settings. */
export function isLinkable(document: vscode.TextDocument, settings: LinkingSettings): boolean {
  if (!settings.enabled || (document.uri.scheme !== 'file' && document.uri.scheme !== 'untitled' && document.uri.scheme !== 'vscode-remote')) return false;
  // The annotation files themselves are never linked.
  if (document.uri.path.split('/').includes(ANNOTATION_DIR)) return false;
  if (settings.languages.includes(document.languageId)) return true;
  return settings.include.some((pattern) => vscode.languages.match({ pattern }, document) > 0);
}

function resolveWorkspacePath(raw: string): string {
  if (path.isAbsolute(raw)) return raw;
  const home = process.env.HOME ?? '';
  if (raw.startsWith('~/')) return path.join(home, raw.slice(2));
  const base = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath ?? home;
  return path.resolve(base, raw);
}

/** The store URL, refused (with a warning) when it is not a postgres:// URL or carries a password. */
function readKbStore(url: string, warn: (message: string) => void): string | undefined {
  if (url === '') return undefined;
  try {
    if (!parseStoreUrl(url).hasPassword) return url;
    warn("Setting entityLinker.kb.store holds a password, which settings files must not: remove it from the URL and run 'Entity Linker: Set KB Store Password' (kept in the system keychain). The store is not used until then.");
  } catch (e) {
    warn(`Setting entityLinker.kb.store: ${(e as Error).message}`);
  }
  return undefined;
}

function stringList(value: unknown, fallback: readonly string[]): readonly string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string' && v !== '') : fallback;
}

function clampInt(value: number | undefined, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, Math.round(value))) : fallback;
}

function clampNumber(value: number | undefined, min: number, max: number, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.min(max, Math.max(min, value)) : fallback;
}
