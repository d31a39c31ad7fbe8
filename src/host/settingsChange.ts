/**
 * What a settings change needs, in one table, and the one decision made from it: no `vscode` here, so the
 * table and the decision are unit-tested. The extension (entityLinker.ts) carries the decision out with at
 * most one prompt.
 */

/** What changing a setting needs. */
export type SettingEffect =
  /** The linking session (KB, model, index) must load again. */
  | 'reloadSession'
  /** Open documents are linked again on the current session. */
  | 'relink'
  /** Labels go to another annotator's files: open documents reopen with theirs, and online learning follows. */
  | 'switchAnnotator';

/**
 * Every setting whose change needs something, by key or section prefix (VS Code's affectsConfiguration
 * matches a section for any key under it). A setting not listed needs nothing: it is read on each use.
 */
export const SETTING_EFFECTS: Readonly<Record<string, readonly SettingEffect[]>> = {
  'entityLinker.kb.sources': ['reloadSession'],
  'entityLinker.kb.config': ['reloadSession'],
  'entityLinker.kb.lenient': ['reloadSession'],
  'entityLinker.kb.store': ['reloadSession'],
  'entityLinker.model.path': ['reloadSession'],
  'entityLinker.model.provider': ['reloadSession'],
  'entityLinker.model.cudaProviderDir': ['reloadSession'],
  'entityLinker.model.precision': ['reloadSession'],
  'entityLinker.linking.detection': ['reloadSession'],
  'entityLinker.linking.pronouns': ['reloadSession'],
  'entityLinker.linking.nilThreshold': ['reloadSession'],
  'entityLinker.linking.topK': ['relink'],
  'entityLinker.linking.languages': ['relink'],
  'entityLinker.linking.include': ['relink'],
  'entityLinker.linking.enabled': ['relink'],
  'entityLinker.annotation': ['relink'],
  'entityLinker.annotator': ['switchAnnotator'],
};

/** The state of the linking session when the change arrives (LinkService.state). */
export type SessionState = 'idle' | 'loading' | 'ready' | 'failed';

export interface SettingsChangePlan {
  /**
   * none: nothing to do; relink: link open documents again; reload: drop the session and link again (nothing
   * loaded is lost: the session is idle or failed); ask: a loaded session would be thrown away (a large KB
   * re-indexed), so ask once.
   */
  readonly session: 'none' | 'relink' | 'reload' | 'ask';
  /** Present when the annotator changed: applied at once, whatever the session does. */
  readonly switchAnnotator?: true;
}

/** The one decision for a change; `affects` is the change event's affectsConfiguration. */
export function planSettingsChange(affects: (key: string) => boolean, state: SessionState): SettingsChangePlan {
  const effects = new Set(Object.entries(SETTING_EFFECTS).filter(([key]) => affects(key)).flatMap(([, e]) => e));
  const annotator = effects.has('switchAnnotator') ? ({ switchAnnotator: true } as const) : {};
  if (effects.has('reloadSession')) {
    const session = state === 'ready' || state === 'loading' ? 'ask' : state === 'failed' ? 'reload' : 'relink';
    return { session, ...annotator };
  }
  return { session: effects.has('relink') ? 'relink' : 'none', ...annotator };
}
