import * as path from 'node:path';

/** Where and how entityLinker.model.path is written (no `vscode` here: modelChoices.ts applies it). */
export interface ModelPathPlacement {
  /** The settings the value goes to. */
  readonly target: 'workspace' | 'user';
  /** The value: undefined removes the setting (the built-in model). */
  readonly value: string | undefined;
  /** The other scope's value is removed too, so it does not shadow (or outlive) this one. */
  readonly clearOther: boolean;
}

/**
 * Workspace settings are shared (committed with the project), so they never get an absolute path: a folder
 * inside the workspace is written relative to it ("models/ft", as the setting resolves relative paths), and a
 * folder elsewhere (the extension's global storage, another disk) is machine-local and goes to the user
 * settings. An explicit `workspace` target writes the path relative to the workspace even when it leads out of
 * it ("../models/ft": usable by colleagues with the same layout). An untrusted workspace ignores its own
 * model.path, so the value goes to the user settings there.
 */
export function placeModelPath(dir: string | undefined, workspaceRoot: string | undefined, options: { readonly target?: 'workspace' | 'user'; readonly trusted: boolean }): ModelPathPlacement {
  const canUseWorkspace = workspaceRoot !== undefined && options.trusted;
  if (dir === undefined) {
    // The built-in model: no value anywhere (a value left in the other scope would still apply).
    const target = options.target ?? (canUseWorkspace ? 'workspace' : 'user');
    return { target, value: undefined, clearOther: options.target === undefined };
  }
  const relative = workspaceRoot === undefined ? undefined : toPosix(path.relative(workspaceRoot, path.resolve(dir)));
  const inside = relative !== undefined && relative !== '' && !relative.startsWith('..') && !path.isAbsolute(relative);
  if (options.target === 'user' || !canUseWorkspace || relative === undefined) return { target: 'user', value: path.resolve(dir), clearOther: false };
  if (options.target === 'workspace') return { target: 'workspace', value: relative === '' ? '.' : relative, clearOther: false };
  // The user's choice of a machine-local folder must take effect here: a workspace value would shadow it.
  return inside ? { target: 'workspace', value: relative, clearOther: false } : { target: 'user', value: path.resolve(dir), clearOther: true };
}

function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
