/**
 * The ranker's training and test data (bench/trainRanker.ts, bench/rankerErrors.ts): the two domains with their
 * documented split, and the listwise examples of the training documents.
 *
 * Split (documents never cross it):
 * - train: elevant oke-2015-train + oke-2016-train against wiki11k (gold spans), and the WSD sets semeval2013 +
 *   semeval2015 + senseval3 against WordNet (candidates = the lemma's senses, KB prior = WordNet tag counts);
 * - test: the other seven elevant files (pooled) and WSD senseval2 + semeval2007 (pooled).
 * Training documents whose text is a test document's are left out and each training text is used once
 * (leakFreeTraining): oke-2016-train holds 88 of the 101 oke-2015-eval documents and 86 of oke-2015-train's.
 * The larger split (ELEVANT_TRAIN_LARGER, trainRanker --larger-split) trains on oke-2015-eval too and tests on the
 * six other files (218 training documents kept instead of 117); the shipped weights do not use it (it cost WSD 0.5,
 * docs/BENCHMARKS.md "Session 4: a larger leak-free split").
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument, GoldMention } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { AnnotatorMemory } from '../src/core/learning/annotatorMemory';
import { ExemplarMemory } from '../src/core/learning/exemplarMemory';
import { averageRankers } from '../src/core/learning/rankerEnsemble';
import { trainRanker } from '../src/core/learning/rankerTrainer';
import type { RankingExample, TrainOptions } from '../src/core/learning/rankerTrainer';
import type { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { Linker } from '../src/core/linker/linker';
import type { LinkerInit } from '../src/core/linker/linker';
import { HAND_SET_RANKER_WEIGHTS, KB_KINDS } from '../src/core/linker/ranker';
import type { FeatureName, KbKind, RankerWeights } from '../src/core/linker/ranker';
import { kbKindOfIds, withProfiles } from '../src/core/linker/rankerProfiles';
import type { DocumentDecision, SpanRequest } from '../src/core/linker/types';
import { describeLeakFree, leakFreeTraining } from '../src/core/training/leakFreeTraining';
import { SeededRandom } from '../src/core/training/seededRandom';
import { wordnetFormPriorOf } from '../src/core/linker/wordnetSenseCounts';
import { ExactIndex } from '../src/core/index/exactIndex';
import type { VectorIndex } from '../src/core/index/vectorIndex';
import { DATA, openWiki11k, openWordNet } from './benchData';
import type { MemoEncoder } from './qualityLinkers';

export const ELEVANT_TRAIN = ['oke-2015-train', 'oke-2016-train'];
/** The larger split's elevant training files: oke-2015-eval as well (most of its documents are in oke-2016-train). */
export const ELEVANT_TRAIN_LARGER = [...ELEVANT_TRAIN, 'oke-2015-eval'];
const WSD_TRAIN = ['semeval2013', 'semeval2015', 'senseval3'];
const WSD_TEST = ['senseval2', 'semeval2007'];
const RANDOM_NEGATIVES = 32;
/** The domain name of senseNameExamples' examples (trainRanker --sense-names; in the examples cache). */
export const SENSE_NAMES_DOMAIN = 'WSD names';
/**
 * The domain of the WSD examples whose annotating pass has the exemplars alone: no annotator memory, no document
 * context (trainRanker --senses-no-memory; in the examples cache): the state `finetune --learn exemplars` links in.
 */
export const SENSES_NO_MEMORY_DOMAIN = 'WSD exemplars only';
export const POOL = { denseTopN: 64, lexicalTopN: 64, hardNegatives: 0 } as const;
/** The weights the features are computed with: hand-set, plus negligible coherence and demonym weights so they are computed (demonym: and its candidates retrieved). */
export const EXTRACTION: RankerWeights = { version: 2, weights: { ...HAND_SET_RANKER_WEIGHTS.weights, coherence: 1e-9, demonym: 1e-9 }, source: 'extraction' };

export interface Domain {
  readonly name: string;
  readonly kb: KnowledgeBase;
  readonly init: Omit<LinkerInit, 'rankerWeights' | 'encoder' | 'kb'>;
  readonly mapGold: GoldMapper;
  readonly candidatesFor?: (m: GoldMention) => readonly string[] | undefined;
  readonly randomNegatives: number;
  readonly train: readonly GoldDocument[];
  readonly test: readonly GoldDocument[];
  /**
   * WSD: an exact index over the vectors of the training documents' senses (KB rows `rows`), for senseNameExamples:
   * the nearest synsets to a mention in context, as a KB-wide dense index returns them for a name.
   */
  readonly senseIndex?: { readonly index: VectorIndex; readonly rows: readonly number[] };
}

export async function elevantDomain(encoder: MemoEncoder, quick = false, trainFiles: readonly string[] = ELEVANT_TRAIN): Promise<Domain> {
  const dir = path.join(DATA, 'elevant');
  let files = readdirSync(dir).filter((f) => f.endsWith('.benchmark.jsonl')).sort();
  if (quick) files = files.filter((f) => f.startsWith('oke-2015') || f.startsWith('oke-2016-eval'));
  const allTrain: GoldDocument[] = [];
  const test: GoldDocument[] = [];
  for (const f of files) {
    const docs = await readGold(path.join(dir, f), 'elevant');
    (trainFiles.includes(f.replace('.benchmark.jsonl', '')) ? allTrain : test).push(...docs);
  }
  const split = leakFreeTraining(allTrain, test);
  const w = await openWiki11k(encoder);
  console.log(`elevant vs wiki11k: ${w.setup.join('; ')}; test = ${files.filter((f) => !trainFiles.some((t) => f.startsWith(t))).map((f) => f.replace('.benchmark.jsonl', '')).join(', ')}.`);
  console.log(describeLeakFree('elevant', split));
  return { name: 'elevant', kb: w.kb, init: { index: w.index, entityVector: w.vectors.of, options: POOL }, mapGold: w.mapGold, randomNegatives: RANDOM_NEGATIVES, train: split.train, test };
}

export async function wsdDomain(encoder: MemoEncoder, quick = false): Promise<Domain> {
  const read = async (names: readonly string[]): Promise<GoldDocument[]> => (await Promise.all(names.map((n) => readGold(path.join(DATA, 'wsd', n), 'wsd')))).flat();
  const test = await read(quick ? ['semeval2007'] : WSD_TEST);
  const split = leakFreeTraining(await read(quick ? ['semeval2015'] : WSD_TRAIN), test);
  const train = split.train;
  const w = await openWordNet(encoder, [...train, ...test]);
  console.log(`WSD vs WordNet: ${w.setup.join('; ')}.`);
  console.log(describeLeakFree('WSD', split));
  const formPrior = await wordnetFormPriorOf(w.kb.entities);
  const rows = [...new Set(train.flatMap((doc) => doc.mentions.flatMap((m) => (w.candidatesFor(m) ?? []).map((id) => w.kb.rowOf(id)))))].filter((r): r is number => r !== undefined && w.vectors.of(r) !== undefined).sort((a, b) => a - b);
  const flat = new Float32Array(rows.length * encoder.dims);
  rows.forEach((r, i) => flat.set(w.vectors.of(r)!, i * encoder.dims));
  const senseIndex = { index: new ExactIndex(flat, encoder.dims), rows };
  return { name: 'WSD', kb: w.kb, init: { entityVector: w.vectors.of, entityPrior: w.prior, ...(formPrior === undefined ? {} : { formPrior }), options: POOL }, mapGold: w.mapGold, candidatesFor: w.candidatesFor, randomNegatives: 0, train, test, senseIndex };
}

/**
 * The WSD training nouns linked as the built-in WordNet KB links a name (trainRanker --sense-names): no given
 * sense list; the candidates are what retrieval returns — the nearest synsets in context among the training
 * documents' senses (Domain.senseIndex), the lexical and n-gram name matches over all of WordNet — plus the
 * lemma's senses (scored even when not retrieved; no given order), and `randomNegatives` synsets of other lemmas
 * as random negatives. Candidates whose names do not match the mention then compete with the senses, so the
 * profile they train (their kind: retrievedSenses, the profile of synsets retrieved for a name, apart from the
 * given sense lists' `senses` since session 8) learns to read names (with given senses only, name features
 * never discriminate). Zero-shot
 * only (no memory, no document decisions), one example per noun whose gold was scored.
 */
export async function senseNameExamples(d: Domain, encoder: MemoEncoder, randomNegatives = RANDOM_NEGATIVES): Promise<DomainExample[]> {
  if (d.senseIndex === undefined || d.candidatesFor === undefined) throw new Error(`senseNameExamples: domain ${d.name} has no sense index.`);
  const { index, rows: indexRows } = d.senseIndex;
  const linker = new Linker({ kb: d.kb, encoder, rankerWeights: EXTRACTION, ...d.init, index, entityIndexRows: indexRows });
  const rng = new SeededRandom(0);
  const out: DomainExample[] = [];
  for (const doc of d.train) {
    const nouns = doc.mentions.map((m, i) => ({ m, gold: d.mapGold(m), i })).filter(({ m, gold }) => m.pos === 'NOUN' && gold.status === 'in-kb');
    if (nouns.length === 0) continue;
    const randoms = nouns.map(({ m }) => {
      const senses = new Set(d.candidatesFor?.(m) ?? []);
      const picked = new Set<string>();
      for (let k = 0; k < randomNegatives; k++) {
        const id = d.kb.entities[indexRows[rng.int(indexRows.length)]].id;
        if (!senses.has(id)) picked.add(id);
      }
      return picked;
    });
    const requests: SpanRequest[] = nouns.map(({ m }, j) => ({ start: m.start, end: m.end, extraCandidateIds: [...(d.candidatesFor?.(m) ?? []), ...randoms[j]], ...(m.lemma === undefined ? {} : { lemma: m.lemma }) }));
    const linked = await linker.linkSpans(doc.text, requests, { topK: 10000 });
    linked.forEach((lm, j) => {
      const { m, gold } = nouns[j];
      if (gold.status !== 'in-kb') return;
      const isRandom = (c: (typeof lm.candidates)[number]): boolean => randoms[j].has(c.id) && c.signals.retrievedBy.every((b) => b === 'given');
      const scored = lm.candidates.filter((c) => !isRandom(c));
      const goldIndex = scored.findIndex((c) => gold.ids.includes(c.id));
      if (goldIndex < 0) return;
      const rows = scored.filter((c, k) => k === goldIndex || !gold.ids.includes(c.id));
      out.push({
        features: rows.map((c) => [...(c.features ?? [])]),
        gold: rows.findIndex((c) => gold.ids.includes(c.id)),
        random: lm.candidates.filter(isRandom).map((c) => [...(c.features ?? [])]),
        ids: rows.map((c) => c.id),
        mention: m,
        profile: kbKindOfIds(rows.map((c) => c.id), true),
      });
    });
  }
  return out;
}

/** Listwise examples from the training documents: zero-shot, then while annotating (context + memory). */
/** A training example with the candidates' ids (rows order) and its mention, for the error and feature benches. */
export interface DomainExample extends RankingExample {
  readonly ids: readonly string[];
  readonly mention: GoldMention;
}

/**
 * `memory: false` (bench/wsdExemplars.ts --no-memory): the annotating pass gets the exemplars without the annotator
 * memory; `context: false`: nor the document's other gold decisions (discourse, coherence, type agreement).
 */
export async function domainExamples(d: Domain, encoder: MemoEncoder, options: { readonly memory?: boolean; readonly context?: boolean } = {}): Promise<{ ex: DomainExample[]; memory: AnnotatorMemory; exemplars: ExemplarMemory }> {
  const linker = new Linker({ kb: d.kb, encoder, rankerWeights: EXTRACTION, ...d.init });
  const rng = new SeededRandom(0);
  const memory = new AnnotatorMemory();
  // The in-context vectors of the earlier documents' gold mentions (cross-fitted as the memory: never a mention's own).
  const exemplars = new ExemplarMemory();
  const out: DomainExample[] = [];
  for (const doc of d.train) {
    const golds = doc.mentions.map((m) => d.mapGold(m));
    const requests: SpanRequest[] = doc.mentions.map((m, i) => {
      const given = m.candidateIds ?? d.candidatesFor?.(m);
      if (given !== undefined) return { start: m.start, end: m.end, candidateIds: given, ...(m.lemma === undefined ? {} : { lemma: m.lemma }) };
      const gold = golds[i];
      if (gold.status !== 'in-kb') return { start: m.start, end: m.end };
      const extra = new Set(gold.ids);
      for (let k = 0; k < d.randomNegatives; k++) {
        const id = d.kb.entities[rng.int(d.kb.size)].id;
        if (!gold.ids.includes(id)) extra.add(id);
      }
      return { start: m.start, end: m.end, extraCandidateIds: [...extra] };
    });
    const decisions: DocumentDecision[] = doc.mentions.map((m, i) => ({ start: m.start, end: m.end, text: m.text, entityId: golds[i].status === 'in-kb' ? golds[i].ids[0] : null }));
    let vectors: readonly (readonly number[] | undefined)[] = [];
    for (const annotating of [false, true]) {
      const known = options.memory === false ? new AnnotatorMemory() : memory;
      linker.setLearnedState(annotating ? { version: 1, memory: known.toJSON(), ...(exemplars.size === 0 ? {} : { exemplars: exemplars.toJSON() }), decisions: memory.size } : undefined);
      const linked = await linker.linkSpans(doc.text, requests, { topK: 10000, ...(annotating ? (options.context === false ? {} : { context: { decisions } }) : { mentionVectors: true }) });
      if (!annotating) vectors = linked.map((m) => m.vector);
      linked.forEach((m, i) => {
        const gold = golds[i];
        if (gold.status !== 'in-kb') return;
        const extra = new Set(requests[i].extraCandidateIds ?? []);
        const isRandom = (c: (typeof m.candidates)[number]): boolean => extra.has(c.id) && !gold.ids.includes(c.id) && c.signals.retrievedBy.every((b) => b === 'given');
        const retrieved = m.candidates.filter((c) => !isRandom(c));
        const goldIndex = retrieved.findIndex((c) => gold.ids.includes(c.id));
        if (goldIndex < 0) return;
        // Other acceptable ids are no negatives.
        const rows = retrieved.filter((c, j) => j === goldIndex || !gold.ids.includes(c.id));
        out.push({
          features: rows.map((c) => [...(c.features ?? [])]),
          gold: rows.findIndex((c) => gold.ids.includes(c.id)),
          random: m.candidates.filter(isRandom).map((c) => [...(c.features ?? [])]),
          ids: rows.map((c) => c.id),
          mention: doc.mentions[i],
          profile: kbKindOfIds(rows.map((c) => c.id)),
        });
      });
    }
    doc.mentions.forEach((m, i) => {
      if (golds[i].status !== 'in-kb') return;
      memory.observe({ action: 'accept', entityId: golds[i].ids[0], text: m.text });
      const v = vectors[i];
      if (v !== undefined) exemplars.observe(golds[i].ids[0], v);
    });
  }
  return { ex: out, memory, exemplars };
}

/** How the shipped ranker is trained: linear, or with `hidden` units on top of it, averaged over `ensemble` fits. */
export interface RankerRecipe {
  readonly hidden: number;
  readonly ensemble: number;
  /**
   * Profiles per KB kind (ranker.json version 4; each example's `profile` says its kind): 'none' one weight set
   * for both domains; 'joint' the joint fit, then each kind's profile trained from it on that kind's examples
   * alone; 'separate' each kind's profile from the hand-set weights on its examples alone (no joint fit: the
   * top level is the entity profile). Default 'none'.
   */
  readonly profiles?: 'none' | 'joint' | 'separate';
  /**
   * The weight, in their kind's profile, of the examples that weigh 0 in the joint fit (trainRanker --sense-names:
   * the 'WSD names' examples) against 1 for the kind's other examples. Default 1.
   */
  readonly profileOnlyWeight?: number;
  /** Features whose examples are also trained without them (bench/trainRanker.ts --also-without). */
  readonly alsoWithout?: readonly FeatureName[];
  readonly linear?: Partial<TrainOptions>;
  readonly mlp?: Partial<TrainOptions>;
}

/** The MLP stage's options: fewer epochs and a smaller step than the linear stage it starts from. */
export const MLP_STAGE: Partial<TrainOptions> = { epochs: 30, learningRate: 0.03 };

/**
 * One seed of the recipe: the linear ranker from the hand-set weights; with hidden units, a residual MLP trained
 * from that linear ranker (its new units start near 0); with an ensemble, the average of that many such fits
 * (sub-seeds seed * 100 + i), which is again one ranker of the same kind (averageRankers).
 */
export function fitRecipe(examples: readonly RankingExample[], seed: number, recipe: RankerRecipe): RankerWeights {
  const fitOn = (ex: readonly RankingExample[], s: number, from: RankerWeights): RankerWeights => {
    const linear = trainRanker(ex, from, { seed: s, randomNegatives: 16, ...recipe.linear }).weights;
    return recipe.hidden <= 0 || (from.hidden?.length ?? 0) > 0 ? linear : trainRanker(ex, linear, { seed: s, randomNegatives: 16, hidden: recipe.hidden, ...MLP_STAGE, ...recipe.mlp }).weights;
  };
  // Per kind, its examples alone, each weighing 1 (the L2 pull is then in that kind's examples), those left out of
  // the joint fit recipe.profileOnlyWeight.
  const profileOnly = recipe.profileOnlyWeight ?? 1;
  const ofKind = (k: KbKind): RankingExample[] => examples.filter((e) => e.profile === k).map(({ weight, ...e }) => (weight === 0 && profileOnly !== 1 ? { ...e, weight: profileOnly } : e));
  const kinds = KB_KINDS.filter((k) => examples.some((e) => e.profile === k));
  const one = (s: number): RankerWeights => {
    if ((recipe.profiles ?? 'none') === 'separate') {
      const fits = Object.fromEntries(kinds.map((k) => [k, fitOn(ofKind(k), s, HAND_SET_RANKER_WEIGHTS)])) as Partial<Record<KbKind, RankerWeights>>;
      return withProfiles(fits.entities ?? HAND_SET_RANKER_WEIGHTS, fits);
    }
    // Examples weighing 0 (trainRanker --sense-names) train their kind's profile only, not the joint fit.
    const joint = fitOn(examples.filter((e) => (e.weight ?? 1) > 0), s, HAND_SET_RANKER_WEIGHTS);
    if ((recipe.profiles ?? 'none') === 'none') return joint;
    return withProfiles(joint, Object.fromEntries(kinds.map((k) => [k, fitOn(ofKind(k), s, joint)])));
  };
  if (recipe.ensemble <= 1) return one(seed);
  return averageRankers(Array.from({ length: recipe.ensemble }, (_, i) => one(seed * 100 + i)));
}

/**
 * The recipe of the shipped weights (chosen by cross-validation on the training documents, docs/BENCHMARKS.md):
 * linear, with a profile per KB kind from the joint fit (session 5: WSD 69.72 -> 70.46 in that cross-validation,
 * elevant equal), and the examples that read `exemplar` also without it (the editor's decisions carry no mention
 * vectors yet: without the copies the annotator prior weighs -1.1, with them +0.1).
 */
export const SHIPPED_RECIPE: RankerRecipe = { hidden: 0, ensemble: 1, profiles: 'joint', alsoWithout: ['exemplar'] };
