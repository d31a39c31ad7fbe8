/**
 * Ranker profiles (ranker.json version 4): separate weight sets per kind of candidate set, so that what a sense
 * inventory teaches (WordNet: sense order and tag counts decide), what an entity KB teaches (names, context,
 * coherence) and what WordNet synsets retrieved for a name need (the name must match: other lemmas' synsets
 * compete) do not pull one shared weight vector between them. A mention is ranked with the profile of its
 * candidates' kind; `retrievedSenses` without a profile uses the `senses` one; a kind without either the
 * top-level weights.
 */
import { KB_KINDS, compileRanker } from './ranker';
import type { CompiledRanker, KbKind, RankerProfile, RankerWeights } from './ranker';

/** WordNet synset ids as the built-in reader makes them (wordnetEntityId): `wn:<8-digit offset>-<pos>`. */
const SENSE_ID = /^wn:\d{8}-[nvasr]$/;

/** Whether an entity id is a sense of the built-in WordNet (a sense inventory), not an entity KB's. */
export function isSenseId(id: string): boolean {
  return SENSE_ID.test(id);
}

/**
 * The kind of a mention's candidate set: entities unless every id is a WordNet synset; WordNet synsets are
 * `senses` when the caller gave the list (WSD data: one lemma's senses) and `retrievedSenses` when the linker
 * retrieved them for a name (`retrieved`).
 */
export function kbKindOfIds(ids: Iterable<string>, retrieved = false): KbKind {
  let any = false;
  for (const id of ids) {
    if (!isSenseId(id)) return 'entities';
    any = true;
  }
  return !any ? 'entities' : retrieved ? 'retrievedSenses' : 'senses';
}

/** A linked mention's candidates (RankedCandidate): given by the caller when every one was retrieved only as 'given'. */
export interface KindCandidate {
  readonly id: string;
  readonly signals?: { readonly retrievedBy: readonly string[] };
}

/** kbKindOfIds of a linked mention's candidates, retrieved unless the caller gave the whole list (SpanRequest.candidateIds). */
export function kbKindOfCandidates(candidates: readonly KindCandidate[]): KbKind {
  const given = candidates.every((c) => c.signals !== undefined && c.signals.retrievedBy.length > 0 && c.signals.retrievedBy.every((b) => b === 'given'));
  return kbKindOfIds(candidates.map((c) => c.id), !given);
}

/** The kind whose profile a kind without one of its own uses (before the top-level weights). */
const FALLBACK_KIND: Readonly<Partial<Record<KbKind, KbKind>>> = { retrievedSenses: 'senses' };

/** Whether the ranker has a profile of its own for the kind (else the kind uses its fallback's or the top-level weights). */
export function hasProfile(w: RankerWeights, kind: KbKind): boolean {
  return w.profiles?.[kind] !== undefined;
}

/** The profile a kind is scored with: its own, else its fallback kind's (retrievedSenses: senses), else none. */
export function profileOf(w: RankerWeights, kind: KbKind | undefined): RankerProfile | undefined {
  if (kind === undefined) return undefined;
  const fallback = FALLBACK_KIND[kind];
  return w.profiles?.[kind] ?? (fallback === undefined ? undefined : w.profiles?.[fallback]);
}

/**
 * The ranker a mention of this kind is scored with, as a flat (version 2-3) ranker: the kind's profile (profileOf:
 * with its fallback), else (or with no kind) the top-level weights. NIL settings and the source are the whole ranker's.
 */
export function rankerForKind(w: RankerWeights, kind: KbKind | undefined): RankerWeights {
  const p = profileOf(w, kind);
  const { profiles: _profiles, hidden: _hidden, ...rest } = w;
  const chosen: RankerProfile = p ?? w;
  return { ...rest, version: chosen.hidden !== undefined && chosen.hidden.length > 0 ? 3 : 2, weights: chosen.weights, ...(chosen.hidden === undefined || chosen.hidden.length === 0 ? {} : { hidden: chosen.hidden }) };
}

/**
 * `w` with the kind's weights replaced by `fitted`'s (its linear term and hidden units): the kind's profile
 * when `w` scores the kind with one (its own, or its fallback's: then the kind gets a profile of its own and the
 * fallback's stays), else the top-level weights (a ranker without profiles stays one).
 */
export function withKindRanker(w: RankerWeights, kind: KbKind | undefined, fitted: RankerWeights): RankerWeights {
  const profile: RankerProfile = { weights: fitted.weights, ...(fitted.hidden === undefined || fitted.hidden.length === 0 ? {} : { hidden: fitted.hidden }) };
  if (kind !== undefined && profileOf(w, kind) !== undefined) return { ...w, version: 4, profiles: { ...w.profiles, [kind]: profile } };
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
 * The compiled ranker of a mention from its candidates' ids and whether the linker retrieved them (else the
 * caller gave the list): one compiled ranker for a ranker without profiles, else the profile of the candidates'
 * kind (kbKindOfIds; compiled once per kind per call).
 */
export function profiledRanker(w: RankerWeights): (candidateIds: readonly string[], retrieved: boolean) => CompiledRanker {
  if (w.profiles === undefined) {
    const one = compileRanker(w);
    return () => one;
  }
  const byKind = new Map<KbKind, CompiledRanker>();
  return (ids, retrieved) => {
    const kind = kbKindOfIds(ids, retrieved);
    let m = byKind.get(kind);
    if (m === undefined) byKind.set(kind, (m = compileRanker(rankerForKind(w, kind))));
    return m;
  };
}
