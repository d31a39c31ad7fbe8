import type * as vscode from 'vscode';

/** Settings of online adaptation (contributes.configuration, section "Learning"). */
export interface LearningSettings {
  readonly enabled: boolean;
  /** Decisions between two background refits. */
  readonly refitEvery: number;
}

export const LEARNING_SECTION = 'entityLinker.learning';

export function readLearningSettings(config: vscode.WorkspaceConfiguration): LearningSettings {
  const every = config.get<number>('learning.refitEvery');
  return {
    enabled: config.get<boolean>('learning.enabled') ?? true,
    refitEvery: typeof every === 'number' && Number.isFinite(every) ? Math.min(1000, Math.max(1, Math.round(every))) : 10,
  };
}
