/**
 * Ranker profiles (ranker.json version 4): separate weight sets per KB kind, so that what a sense inventory
 * teaches (WordNet: sense order and tag counts decide) and what an entity KB teaches (names, context, coherence)
 * do not pull one shared weight vector between them. A mention is ranked with the profile of its candidates'
 * kind; a kind without a profile uses the top-level weights.
 */
import { KB_KINDS, compileRanker } from './ranker';
import type { CompiledRanker, KbKind, RankerProfile, RankerWeights } from './ranker';

/** WordNet synset ids as the built-in reader makes them (wordnetEntityId): `wn:<8-digit offset>-<pos>`. */
const SENSE_ID = /^wn:\d{8}-[nvasr]$/;

/** Whether an entity id is a sense of the built-in WordNet (a sense inventory), not an entity KB's. */
export function isSenseId(id: string): boolean {
  return SENSE_ID.test(id);
}

/** The kind of KB a mention's candidates come from: senses when every one is a WordNet synset, else entities. */
export function kbKindOfIds(ids: Iterable<string>): KbKind {
  let any = false;
  for (const id of ids) {
    if (!isSenseId(id)) return 'entities';
    any = true;
  }
  return any ? 'senses' : 'entities';
}

/** Whether the ranker has a profile of its own for the kind (else the kind uses the top-level weights). */
export function hasProfile(w: RankerWeights, kind: KbKind): boolean {
  return w.profiles?.[kind] !== undefined;
}

/**
 * The ranker a mention of this kind is scored with, as a flat (version 2-3) ranker: the kind's profile, else (or
 * with no kind) the top-level weights. NIL settings and the source are the whole ranker's.
 */
export function rankerForKind(w: RankerWeights, kind: KbKind | undefined): RankerWeights {
  const p = kind === undefined ? undefined : w.profiles?.[kind];
  const { profiles: _profiles, hidden: _hidden, ...rest } = w;
  const chosen: RankerProfile = p ?? w;
  return { ...rest, version: chosen.hidden !== undefined && chosen.hidden.length > 0 ? 3 : 2, weights: chosen.weights, ...(chosen.hidden === undefined || chosen.hidden.length === 0 ? {} : { hidden: chosen.hidden }) };
}

/**
 * `w` with the kind's weights replaced by `fitted`'s (its linear term and hidden units): the kind's profile
 * when `w` has one for it, else the top-level weights (a ranker without profiles stays one).
 */
export function withKindRanker(w: RankerWeights, kind: KbKind | undefined, fitted: RankerWeights): RankerWeights {
  const profile: RankerProfile = { weights: fitted.weights, ...(fitted.hidden === undefined || fitted.hidden.length === 0 ? {} : { hidden: fitted.hidden }) };
  if (kind !== undefined && hasProfile(w, kind)) return { ...w, version: 4, profiles: { ...w.profiles, [kind]: profile } };
  const { hidden: _hidden, ...rest } = w;
  const version = w.profiles !== undefined ? 4 : profile.hidden === undefined ? 2 : 3;
  return { ...rest, version, weights: profile.weights, ...(profile.hidden === undefined ? {} : { hidden: profile.hidden }) };
}

/** A ranker whose kinds each use their own weights: `base` at the top level, `profiles` per kind. */
export function withProfiles(base: RankerWeights, profiles: Partial<Record<KbKind, RankerWeights>>): RankerWeights {
  const named: Partial<Record<KbKind, RankerProfile>> = {};
  for (const kind of KB_KINDS) {
    const p = profiles[kind];
    if (p !== undefined) named[kind] = { weights: p.weights, ...(p.hidden === undefined || p.hidden.length === 0 ? {} : { hidden: p.hidden }) };
  }
  return { ...base, version: 4, profiles: named };
}

/**
 * The compiled ranker of a mention from its candidates' ids: one compiled ranker for a ranker without profiles,
 * else the profile of the candidates' kind (compiled once per kind per call).
 */
export function profiledRanker(w: RankerWeights): (candidateIds: readonly string[]) => CompiledRanker {
  if (w.profiles === undefined) {
    const one = compileRanker(w);
    return () => one;
  }
  const byKind = new Map<KbKind, CompiledRanker>();
  return (ids) => {
    const kind = kbKindOfIds(ids);
    let m = byKind.get(kind);
    if (m === undefined) byKind.set(kind, (m = compileRanker(rankerForKind(w, kind))));
    return m;
  };
}
