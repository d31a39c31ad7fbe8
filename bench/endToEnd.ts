/**
 * End-to-end linking (detection + linking) on the OKE eval files against wiki11k, after learning from the OKE
 * train files: the training gold's surface forms become names of their entities, and the mention scorer is
 * fitted on the training documents' gold spans (dictionary matches and capitalised proposals labelled by
 * whether they are an in-KB gold span; missed gold spans added as positives).
 *
 *   node out/bench/endToEnd.js [--coreference [--on-train]] [--new | --cv] [--only=A|B] [--errors [--errors-new]] [--classes]
 *
 * --coreference: only the two configurations with scorer + proposals, each without and with coreference (pronouns
 * proposed where an antecedent resolves them, src/core/coreference); --on-train scores them on the training
 * files instead (where coreference's detection default is chosen; the scorer is then fitted in-sample).
 * --new: the chosen row of session 4 and the session-5 pieces (surnames, cross-fitted scorer examples, learned
 * annotation conventions), each scored first by 2-fold cross-validation on the training documents (where the
 * options are chosen; --cv-seeds=N repeats it over N fold assignments), then on the eval files; --cv: the
 * cross-validation rows only; --only=A|B: rows whose name ends with A or B; --errors: each false positive and
 * missed gold of the chosen row (--errors-new: of the new chosen row; with --only, of those rows) with its top
 * entity's KB type; --classes: the eval rows of --only with strict P / R on role words and on the other spans;
 * --cv-errors: the training CV's errors classified (a miss below the threshold with the feature contributions that
 * placed it there, explain()); --examples: the scorer's training examples (see EXAMPLES).
 *
 * Gold: elevant labels mapped to wiki11k by title (as bench/quality.ts); only in-KB golds count (e2eMetrics.ts:
 * a prediction with an entity on a NIL or out-of-KB gold span is a false positive; NIL predictions are not
 * counted). Rows compare the previous detection (dictionary only, no function-word rule) with each piece
 * added, in one run. The scorer's fit is deterministic (no seed to vary). Entity vectors and the HNSW index
 * are cached under .cache/bench/ (shared with bench/quality.ts).
 */
import { existsSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { MentionDetector } from '../src/core/detection/mentionDetector';
import { AnnotationConventions, conventionShape } from '../src/core/detection/annotationConventions';
import { MentionScorer } from '../src/core/detection/mentionScorer';
import { MENTION_FEATURE_NAMES, withMemory } from '../src/core/detection/mentionFeatures';
import { LearnedDetection } from '../src/core/detection/learnedDetection';
import { chainDecisions } from '../src/core/detection/chainConvention';
import { AnnotatorMemory } from '../src/core/learning/annotatorMemory';
import type { MentionExample, MentionFitOptions } from '../src/core/detection/mentionScorer';
import { builtInWordFrequencies } from '../src/core/detection/wordFrequencies';
import { isRoleWord } from '../src/core/detection/roleTitles';
import { evaluate } from '../src/core/eval/evaluate';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { embedAll } from '../src/core/index/embeddingCache';
import { openOrBuildIndex } from '../src/core/index/openOrBuildIndex';
import type { Entity } from '../src/core/kb/entity';
import { kbContentHash } from '../src/core/kb/kbContentHash';
import { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { parseSourceArg } from '../src/core/kb/sniffFormat';
import type { DetectionOptions } from '../src/core/linker/gazetteer';
import { Linker } from '../src/core/linker/linker';
import { loadRankerWeights } from '../src/core/linker/ranker';
import { DEFAULT_TEMPLATE, entityText, templateId } from '../src/core/linker/textTemplates';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { describeLeakFree, leakFreeTraining } from '../src/core/training/leakFreeTraining';
import { MemoEncoder } from './qualityLinkers';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const CACHE = path.join(ROOT, '.cache/bench');
const TRAIN = ['oke-2015-train', 'oke-2016-train'];
const TEST = ['oke-2015-eval', 'oke-2016-eval'];

interface Config {
  readonly name: string;
  readonly learnedNames: boolean;
  readonly scorer: boolean;
  readonly detection: Partial<DetectionOptions>;
  readonly coreference?: boolean;
  /** Surnames of detected full names in the paragraph (MentionDetector.surnames); off in the rows before it. */
  readonly surnames?: boolean;
  /** The session-5 cues personNoun and titleBeforeName (mentionFeatures.ts MentionCues); off in the rows before them. */
  readonly cues?: boolean;
  /**
   * The scorer's examples made as a test document meets them: 2 folds of the training documents, each fold's
   * candidates found with the training names of the other fold only (its own gold forms are no names yet).
   */
  readonly crossFit?: boolean;
  /**
   * Learned annotation conventions (detection/annotationConventions.ts) at this operating point: counted on the
   * training documents, each fold linked by a linker trained on the other fold (what survives detection there,
   * labelled by whether it is an in-KB gold span, by its top entity's KB type and its shape).
   */
  readonly conventions?: number;
  /**
   * Place chains "A, B" as the training gold annotates them (LearnedDetection.wholeCommaChains): a chain that is one
   * in-KB gold span votes whole, one whose two parts are gold spans votes split (session 6).
   */
  readonly chains?: boolean;
  /** MentionDetector.articles (a lower-case article cut from a dictionary match); the detector's default where absent. */
  readonly articles?: boolean;
  /** MentionCues.personTitle (session 7): a person's title opening a run leaves its title and name alone. */
  readonly personTitle?: boolean;
  /** MentionCues.personNoun alone (session 7; `cues` sets it with titleBeforeName). */
  readonly personNoun?: boolean;
  /** Session 7 probe: the scorer's insideLongerName weight set to -20 (a part of a longer capitalised name is never a mention). */
  readonly dropParts?: boolean;
  /** Mention scorer fit options (session 6: regularisation, threshold); the defaults where absent, but threshold 'auto' (before session 9) and no type context (before session 9, round 2). */
  readonly fit?: Partial<MentionFitOptions>;
  /**
   * Session 8: what a gold span whose entity wiki11k lacks (out-of-KB) or a NIL span teaches the scorer: 'negative'
   * (before: every candidate not an in-KB gold span is a negative), 'unlabelled' (left out of the examples: annotated,
   * so no evidence against detecting the form) or 'mention' (a positive: the span is annotated).
   */
  readonly notInKb?: 'negative' | 'unlabelled' | 'mention' | 'unlabelled if named' | 'mention if named';
  /** Session 8: MentionDetector.roleTitles (a role word that is one of its entities' title kept, WordNet compounds taken in). */
  readonly roleTitles?: boolean;
  /** Session 9: MentionDetector.rolesPastConventions (role titles pass the conventions by kind). */
  readonly rolesPastConventions?: boolean;
  /** Session 9: MentionDetector.articlesYield (a match opening with a lower-case article yields to a longer one after it). */
  readonly articlesYield?: boolean;
  /** Session 9, round 2: MentionDetector.chainContext (the type memory keeps comma-chain parts apart). */
  readonly chainContext?: boolean;
  /** Session 9, round 2: MentionCues.articleInName ("the District" of "District of Connecticut" inside a longer name). */
  readonly articleInName?: boolean;
  /** Session 10: MentionCues.nameConnectors (longer names cross "at", "for", "of the", "and" inside institutions' names). */
  readonly nameConnectors?: boolean;
}

const COREFERENCE = process.argv.includes('--coreference');
/** --cv: score on the training documents by 2-fold cross-validation (train on one fold, score the other), to choose. */
const CV = process.argv.includes('--cv');
/** --new: only the rows of the session-5 pieces (the chosen row of before and each piece added). */
const NEW = process.argv.includes('--new');
const ON_TRAIN = process.argv.includes('--on-train');
/** --errors: for the chosen configuration only, each false positive and missed in-KB gold with the top entity's KB type. */
const ERRORS = process.argv.includes('--errors');
/**
 * --cv-errors: the training CV's errors of the rows chosen (--only, default the new chosen row), each classified
 * (linking, boundary, out-of-KB gold, no gold; missed: not a candidate, below the scorer's threshold, dropped by the
 * conventions, NIL) and counted over the folds of --cv-seeds fold assignments; the eval files are not touched.
 */
const CV_ERRORS = process.argv.includes('--cv-errors');
/**
 * --examples: the scorer's training examples of the rows of --only (--cv too), on all training documents, one TSV line
 * each: EX, label, type key (its memory key), insideLongerName, surface; the eval files are not touched.
 */
const EXAMPLES = process.argv.includes('--examples');

/** With --coreference: the scorer + proposals configurations, without and with coreference. */
function configs(): readonly Config[] {
  if (CV_ERRORS && !process.argv.some((a) => a.startsWith('--only='))) return CONFIGS.filter((c) => c.name === NEW_CHOSEN);
  const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);
  return allConfigs().filter((c) => only === undefined || only.split('|').some((o) => c.name.endsWith(o)));
}

/** --only=A|B: only the rows whose name ends with A or B. */
function allConfigs(): readonly Config[] {
  if (ERRORS && !process.argv.some((a) => a.startsWith('--only='))) return CONFIGS.filter((c) => c.name === (process.argv.includes('--errors-new') ? NEW_CHOSEN : CHOSEN));
  if (NEW || CV || CV_ERRORS || ERRORS || CLASSES) return [...CONFIGS, ...SESSION6, ...SESSION7, ...SESSION8, ...SESSION9, ...SESSION9B, ...SESSION10].filter((c) => c.name === CHOSEN || c.name.startsWith(`${CHOSEN} +`));
  if (!COREFERENCE) return CONFIGS;
  return CONFIGS.filter((c) => c.scorer && c.detection.proposals !== false && c.detection.fuzzy !== true).flatMap((c) => [c, { ...c, name: `${c.name} + coreference`, coreference: true }]);
}

const CHOSEN = 'all-words: training names + scorer + proposals';

const CONFIGS: readonly Config[] = [
  { name: 'previous: dictionary only', learnedNames: false, scorer: false, detection: { functionWords: false, splitCommaNames: false } },
  { name: 'function-word rule + comma split', learnedNames: false, scorer: false, detection: {} },
  { name: 'same + fuzzy', learnedNames: false, scorer: false, detection: { fuzzy: true } },
  { name: 'training names', learnedNames: true, scorer: false, detection: {} },
  { name: 'training names + fuzzy', learnedNames: true, scorer: false, detection: { fuzzy: true } },
  { name: 'training names + scorer', learnedNames: true, scorer: true, detection: { proposals: false } },
  { name: 'training names + scorer + proposals', learnedNames: true, scorer: true, detection: {} },
  { name: 'all-words: training names', learnedNames: true, scorer: false, detection: { mode: 'all-words' } },
  { name: 'all-words: training names + scorer', learnedNames: true, scorer: true, detection: { mode: 'all-words', proposals: false } },
  { name: 'all-words: training names + scorer + proposals', learnedNames: true, scorer: true, detection: { mode: 'all-words' } },
  { name: 'all-words: training names + scorer + proposals + fuzzy', learnedNames: true, scorer: true, detection: { mode: 'all-words', fuzzy: true } },
  // Session 5 (conventions helper): each piece on the chosen row, then together.
  { name: `${CHOSEN} + cues`, learnedNames: true, scorer: true, detection: { mode: 'all-words' }, cues: true },
  { name: `${CHOSEN} + surnames`, learnedNames: true, scorer: true, detection: { mode: 'all-words' }, surnames: true },
  { name: `${CHOSEN} + cross-fitted examples`, learnedNames: true, scorer: true, detection: { mode: 'all-words' }, crossFit: true },
  ...[0.2, 0.3, 0.4, 0.5].map((t) => ({ name: `${CHOSEN} + conventions ${t}`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: t })),
  ...[0.3, 0.4, 0.5].map((t) => ({ name: `${CHOSEN} + cues + conventions ${t}`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, cues: true, conventions: t })),
];

const NEW_CHOSEN = `${CHOSEN} + conventions 0.3`;

/** Session 6 (e2e helper): pieces on the session-5 chosen row (conventions 0.3). */
const SESSION6: readonly Config[] = [
  { name: `${NEW_CHOSEN} + articles`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, articles: true },
  { name: `${NEW_CHOSEN} + chains`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, chains: true },
  { name: `${NEW_CHOSEN} + chains + articles`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, chains: true, articles: true },
  ...[1e-2, 3e-2, 1e-1, 3e-1].map((l2) => ({ name: `${NEW_CHOSEN} + l2 ${l2}`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, fit: { l2 } })),
];

/** Session 7 (e2e helper): pieces on the session-5 chosen row (conventions 0.3). */
const SESSION7: readonly Config[] = [
  { name: `${NEW_CHOSEN} + context memory`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, fit: { contextMemory: true } },
  { name: `${NEW_CHOSEN} + person titles`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, personTitle: true },
  { name: `${NEW_CHOSEN} + context memory + person titles`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, fit: { contextMemory: true }, personTitle: true },
  { name: `${NEW_CHOSEN} + person titles + parts dropped`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, personTitle: true, dropParts: true },
  { name: `${NEW_CHOSEN} + person titles + person nouns`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, personTitle: true, personNoun: true },
  { name: `${NEW_CHOSEN} + parts dropped`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, dropParts: true },
  ...[0.1, 0.15, 0.2, 0.25, 0.3, 0.4].map((threshold) => ({ name: `${NEW_CHOSEN} + threshold ${threshold}`, learnedNames: true, scorer: true, detection: { mode: 'all-words' as const }, conventions: 0.3, fit: { threshold } })),
];

/** The default detection since session 7 (person titles on). */
const DEFAULT_ROW = SESSION7[1];

/** Session 8 (e2e helper): pieces on the session-7 default (person titles). */
const SESSION8: readonly Config[] = [
  { ...DEFAULT_ROW, name: `${DEFAULT_ROW.name} + out-of-KB golds unlabelled`, notInKb: 'unlabelled' },
  { ...DEFAULT_ROW, name: `${DEFAULT_ROW.name} + out-of-KB golds as mentions`, notInKb: 'mention' },
  { ...DEFAULT_ROW, name: `${DEFAULT_ROW.name} + named out-of-KB golds unlabelled`, notInKb: 'unlabelled if named' },
  { ...DEFAULT_ROW, name: `${DEFAULT_ROW.name} + named out-of-KB golds as mentions`, notInKb: 'mention if named' },
  { ...DEFAULT_ROW, name: `${DEFAULT_ROW.name} + role titles`, roleTitles: true },
  { ...DEFAULT_ROW, name: `${DEFAULT_ROW.name} + role titles + named out-of-KB golds unlabelled`, roleTitles: true, notInKb: 'unlabelled if named' },
];

/** The default detection since session 8 (role titles on). */
const DEFAULT_ROW_8 = SESSION8[4];

/** Session 9 (e2e helper): pieces on the session-8 default (role titles). */
const SESSION9: readonly Config[] = [
  { ...DEFAULT_ROW_8, name: `${DEFAULT_ROW_8.name} + roles past conventions`, rolesPastConventions: true },
  { ...DEFAULT_ROW_8, name: `${DEFAULT_ROW_8.name} + smoothed threshold`, fit: { threshold: 'smoothed' } },
  { ...DEFAULT_ROW_8, name: `${DEFAULT_ROW_8.name} + roles past conventions + smoothed threshold`, rolesPastConventions: true, fit: { threshold: 'smoothed' } },
  { ...DEFAULT_ROW_8, name: `${DEFAULT_ROW_8.name} + articles yield + smoothed threshold`, articlesYield: true, fit: { threshold: 'smoothed' } },
  { ...DEFAULT_ROW_8, name: `${DEFAULT_ROW_8.name} + roles past conventions + articles yield + smoothed threshold`, rolesPastConventions: true, articlesYield: true, fit: { threshold: 'smoothed' } },
  { ...DEFAULT_ROW_8, name: `${DEFAULT_ROW_8.name} + articles yield`, articlesYield: true },
  { ...DEFAULT_ROW_8, name: `${DEFAULT_ROW_8.name} + roles past conventions + articles yield`, rolesPastConventions: true, articlesYield: true },
];

/** The default detection since session 9 (roles past conventions, articles yield, smoothed threshold). */
const DEFAULT_ROW_9 = SESSION9[4];

/** Session 9, round 2 (e2e helper): pieces on the session-9 default. */
const SESSION9B: readonly Config[] = [
  { ...DEFAULT_ROW_9, name: `${DEFAULT_ROW_9.name} + type context`, fit: { threshold: 'smoothed', typeContext: true } },
  { ...DEFAULT_ROW_9, name: `${DEFAULT_ROW_9.name} + type and surface context`, fit: { threshold: 'smoothed', typeContext: true, contextMemory: true } },
  { ...DEFAULT_ROW_9, name: `${DEFAULT_ROW_9.name} + chain context`, chainContext: true },
  { ...DEFAULT_ROW_9, name: `${DEFAULT_ROW_9.name} + type context + chain context`, fit: { threshold: 'smoothed', typeContext: true }, chainContext: true },
  { ...DEFAULT_ROW_9, name: `${DEFAULT_ROW_9.name} + type context + chain context + article in name`, fit: { threshold: 'smoothed', typeContext: true }, chainContext: true, articleInName: true },
];

/** The default detection since session 9, round 2 (type context, chain context, article in name). */
const DEFAULT_ROW_9B = SESSION9B[4];

/** Session 10 (e2e helper): a steadier scorer fit on the session-9 round-2 default (bagging over documents). */
const SESSION10: readonly Config[] = [
  ...[25, 50].map((bags) => ({ ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + bagged ${bags}`, fit: { threshold: 'smoothed' as const, typeContext: true, bags, bagUse: 'probabilities' as const } })),
  { ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + bagged 25 in-sample threshold`, fit: { threshold: 'smoothed', typeContext: true, bags: 25, bagUse: 'in-sample' } },
  { ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + out-of-bag threshold 25`, fit: { threshold: 'smoothed', typeContext: true, bags: 25, bagUse: 'threshold' } },
  { ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + name connectors`, nameConnectors: true },
  { ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + half-F1 threshold`, fit: { threshold: 'half-f1', typeContext: true } },
  { ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + half out-of-bag F1 threshold 25`, fit: { threshold: 'half-f1', typeContext: true, bags: 25, bagUse: 'threshold' } },
  { ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + bagged 25 + name connectors`, fit: { threshold: 'smoothed', typeContext: true, bags: 25, bagUse: 'probabilities' }, nameConnectors: true },
  { ...DEFAULT_ROW_9B, name: `${DEFAULT_ROW_9B.name} + out-of-bag threshold 25 + name connectors`, fit: { threshold: 'smoothed', typeContext: true, bags: 25, bagUse: 'threshold' }, nameConnectors: true },
];

async function main(): Promise<void> {
  const kbFile = path.join(DATA, 'wiki11k/Wiki.txt');
  const goldFile = (name: string): string => path.join(DATA, 'elevant', `${name}.benchmark.jsonl`);
  const missing = [kbFile, ...[...TRAIN, ...TEST].map(goldFile)].filter((f) => !existsSync(f));
  if (missing.length > 0) {
    console.log(`end-to-end bench: data missing (${missing.join(', ')}); nothing measured.`);
    return;
  }
  const began = performance.now();
  const { encoder: raw, modelDir } = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  const encoder = new MemoEncoder(raw);
  const weights = await loadRankerWeights(modelDir);
  const { kb } = await loadKnowledgeBase([parseSourceArg(`brat:${kbFile}`)], { strict: false, name: 'wiki11k', sourceLocations: false });
  const flat = await embedAll({
    cacheDir: path.join(CACHE, 'wiki11k'),
    modelId: raw.modelId,
    dims: raw.dims,
    texts: kb.entities.map((e) => entityText(e, DEFAULT_TEMPLATE)),
    encode: (texts) => raw.encode(texts, { batchSize: 64 }),
  });
  const { index } = await openOrBuildIndex({
    dir: path.join(CACHE, 'wiki11k-hnsw'),
    kind: 'hnsw',
    dims: raw.dims,
    vectors: flat,
    modelId: raw.modelId,
    kbHash: kbContentHash(kb),
    templateId: templateId(DEFAULT_TEMPLATE),
  });
  const mapGold = createGoldMapper(kb, { kind: 'title' });
  const tests = await Promise.all(TEST.map(async (n) => ({ name: n, docs: await readGold(goldFile(n), 'elevant') })));
  // oke-2016-train holds 88 of the 101 oke-2015-eval documents (and 86 of oke-2015-train): training documents
  // whose text is a test document's are left out, and each text is trained on once.
  const split = leakFreeTraining((await Promise.all(TRAIN.map((n) => readGold(goldFile(n), 'elevant')))).flat(), tests.flatMap((t) => t.docs));
  const train = split.train;
  console.error(describeLeakFree('training documents', split));
  const learnedKb = withTrainingNames(kb, train, mapGold);
  const setupSeconds = (performance.now() - began) / 1000;

  console.log('# End-to-end linking on OKE vs wiki11k (bench/endToEnd.ts)');
  console.log('');
  console.log(`${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; ranker ${weights.source ?? '?'}; setup ${setupSeconds.toFixed(1)} s.`);
  console.log(`Train: ${TRAIN.join(' + ')} (${train.length} documents, ${countInKb(train, mapGold)} in-KB gold mentions); test: ${TEST.join(', ')}.`);
  console.log('');
  console.log('| detection | set | strict P | strict R | strict F1 | overlap F1 | detection F1 | s |');
  console.log('|---|---|---:|---:|---:|---:|---:|---:|');
  const sets = ON_TRAIN ? TRAIN.map((n) => ({ name: n, docs: train.filter((d) => d.collection === n) })) : tests;
  const context: Context = { kb, learnedKb, train, encoder, index, weights, mapGold };
  for (const config of configs()) {
    if (CV_ERRORS) {
      const counts = new Map<string, number>();
      for (let seed = 0; seed < CV_SEEDS; seed++) for (const k of [0, 1]) {
        const split = folds(train, seed);
        const { linker, note } = await trainedLinker(config, split[1 - k], context);
        const w = linker.mentionScorer?.namedWeights() ?? {};
        console.log(`fold ${seed}.${k}${note}; weights ${Object.entries(w).map(([n, x]) => `${n} ${x.toFixed(2)}`).join(', ')}`);
        await classifyErrors(linker, split[k], mapGold, counts, `${seed}.${k}`);
      }
      console.log(`\n${config.name}, training 2-fold CV x ${CV_SEEDS}: ${[...counts].sort((a, b) => b[1] - a[1]).map(([c, n]) => `${c} ${n}`).join('; ')}`);
      continue;
    }
    if (EXAMPLES) {
      const names = withTrainingNames(context.kb, train, context.mapGold);
      const { linker } = await trainedLinker(config, train, context);
      const inside = MENTION_FEATURE_NAMES.indexOf('insideLongerName');
      for (const e of trainingExamples(linker.detector, train, context.mapGold, config.notInKb, names)) console.log(`EX\t${e.label ? 1 : 0}\t${e.type}\t${e.features[inside]}\t${e.surface}`);
      continue;
    }
    if (CV || NEW) {
      // Train on one fold, score the other, both ways; counts pooled (--cv; with --new, the eval rows follow).
      const pooled = { tp: 0, predicted: 0, gold: 0 };
      const thresholds: number[] = [];
      for (let seed = 0; seed < CV_SEEDS; seed++) for (const k of [0, 1]) {
        const split = folds(train, seed);
        const { linker } = await trainedLinker(config, split[1 - k], context);
        if (linker.mentionScorer !== undefined) thresholds.push(linker.mentionScorer.threshold);
        const r = await evaluate({ docs: split[k], linker, mapGold, mode: 'end-to-end', topK: 10, skipInvalid: true });
        pooled.tp += r.e2e?.strict.truePositives ?? 0;
        pooled.predicted += r.e2e?.strict.predicted ?? 0;
        pooled.gold += r.e2e?.strict.gold ?? 0;
      }
      const p = pooled.tp / Math.max(1, pooled.predicted);
      const rec = pooled.tp / Math.max(1, pooled.gold);
      console.log(`| ${config.name} | training 2-fold CV${BY_COLLECTION ? ' by file' : ''}${CV_SEEDS > 1 ? ` x ${CV_SEEDS}` : ''} | ${(100 * p).toFixed(1)} | ${(100 * rec).toFixed(1)} | **${(p + rec === 0 ? 0 : (200 * p * rec) / (p + rec)).toFixed(1)}** | | | ${thresholds.length === 0 ? '' : `thresholds ${thresholds.map((t) => t.toFixed(2)).join(' ')}`} |`);
      if (!NEW) continue;
    }
    const { linker, note } = await trainedLinker(config, train, context);
    let fitNote = note;
    for (const set of sets) {
      const r = await evaluate({ docs: set.docs, linker, mapGold, mode: 'end-to-end', topK: 10, skipInvalid: true });
      const e = r.e2e;
      if (e === undefined) throw new Error('no end-to-end metrics');
      const pct = (f: number | null): string => (f === null ? '-' : (f * 100).toFixed(1));
      console.log(`| ${config.name}${fitNote} | ${set.name} | ${pct(e.strict.precision)} | ${pct(e.strict.recall)} | **${pct(e.strict.f1)}** | ${pct(e.overlap.f1)} | ${pct(e.detection.f1)} | ${r.seconds.toFixed(1)} |`);
      fitNote = '';
      if (ERRORS) await printErrors(linker, set.docs, mapGold);
      if (CLASSES) await printClasses(linker, set.docs, mapGold);
    }
  }
  console.log('');
  console.log(`Total ${((performance.now() - began) / 1000).toFixed(1)} s. WordNet tag counts: ${builtInWordFrequencies()?.size ?? 0} lemmas.`);
  await raw.dispose();
}

interface Context {
  readonly kb: KnowledgeBase;
  readonly learnedKb: KnowledgeBase;
  /** The documents learnedKb was built from (a fold of them gets its own names). */
  readonly train: readonly GoldDocument[];
  readonly encoder: MemoEncoder;
  readonly index: Awaited<ReturnType<typeof openOrBuildIndex>>['index'];
  readonly weights: Awaited<ReturnType<typeof loadRankerWeights>>;
  readonly mapGold: GoldMapper;
}

/** Two folds of the training documents: by position for seed 0, else after a seeded shuffle (deterministic). */
function folds(docs: readonly GoldDocument[], seed = 0): [GoldDocument[], GoldDocument[]] {
  if (BY_COLLECTION && docs.some((d) => d.collection === TRAIN[0]) && docs.some((d) => d.collection !== TRAIN[0])) return [docs.filter((d) => d.collection === TRAIN[0]), docs.filter((d) => d.collection !== TRAIN[0])];
  let order = docs.map((d, i) => ({ d, i }));
  if (seed > 0) {
    let state = (seed * 2654435761) >>> 0;
    const next = (): number => (state = (Math.imul(state, 1103515245) + 12345) >>> 0) / 2 ** 32;
    order = order.map((x) => ({ x, r: next() })).sort((a, b) => a.r - b.r).map(({ x }, i) => ({ d: x.d, i }));
  }
  return [order.filter((x) => x.i % 2 === 0).map((x) => x.d), order.filter((x) => x.i % 2 === 1).map((x) => x.d)];
}

/**
 * --cv-by-collection: the two folds are the training files (oke-2015-train's documents vs the leak-free rest of
 * oke-2016-train): each side is scored after training on the other file's annotations, as a held-out file is.
 */
const BY_COLLECTION = process.argv.includes('--cv-by-collection');

/** --cv-seeds=N: cross-validate over N fold assignments (seed 0 = by position), counts pooled. */
const CV_SEEDS = Number(process.argv.find((a) => a.startsWith('--cv-seeds='))?.slice('--cv-seeds='.length) ?? '1');

/**
 * A linker for `config` trained on `train`: names (the context's when train is the bench's whole training set, else
 * train's own: a CV fold never sees the names of the fold it is scored on), scorer, conventions.
 */
async function trainedLinker(config: Config, train: readonly GoldDocument[], c: Context, depth = 0): Promise<{ linker: Linker; note: string }> {
  const names = config.learnedNames ? (train === c.train ? c.learnedKb : withTrainingNames(c.kb, train, c.mapGold)) : c.kb;
  const linker = new Linker({ kb: names, encoder: c.encoder, index: c.index, entityVector: (row) => c.index.vector(row), rankerWeights: c.weights, options: { detection: config.detection, coreference: { detect: config.coreference === true } } });
  linker.detector.surnames = config.surnames === true;
  linker.detector.cues = { personNoun: config.cues === true || config.personNoun === true, titleBeforeName: config.cues === true, personTitle: config.personTitle === true, articleInName: config.articleInName === true, nameConnectors: config.nameConnectors === true };
  if (config.articles !== undefined) linker.detector.articles = config.articles;
  linker.detector.roleTitles = config.roleTitles === true;
  linker.detector.rolesPastConventions = config.rolesPastConventions === true;
  linker.detector.articlesYield = config.articlesYield === true;
  linker.detector.chainContext = config.chainContext === true;
  if (config.chains === true) linker.detector.learned = chainConvention(train, c.mapGold, (id) => names.entities.findIndex((e) => e.id === id));
  let note = '';
  if (config.scorer) {
    const t = performance.now();
    let examples: MentionExample[];
    if (config.crossFit && depth === 0) {
      // Each fold's candidates as a new document meets them: the names of the other fold only.
      examples = [];
      for (const k of [0, 1]) {
        const inner = new Linker({ kb: config.learnedNames ? withTrainingNames(c.kb, folds(train)[1 - k], c.mapGold) : c.kb, encoder: c.encoder, index: c.index, rankerWeights: c.weights, options: { detection: config.detection } });
        inner.detector.cues = linker.detector.cues;
        examples.push(...trainingExamples(inner.detector, folds(train)[k], c.mapGold));
      }
    } else examples = trainingExamples(linker.detector, train, c.mapGold, config.notInKb, names);
    const fitted = MentionScorer.fit(examples, { threshold: 'auto', typeContext: false, ...config.fit });
    const inside = MENTION_FEATURE_NAMES.indexOf('insideLongerName');
    const scorer = config.dropParts === true ? MentionScorer.fromJSON({ ...fitted.toJSON(), weights: fitted.weights.map((w, k) => (k === inside ? -20 : w)) }) : fitted;
    linker.setMentionScorer(scorer);
    note = ` (scorer: ${examples.length} examples, ${examples.filter((e) => e.label).length} positive, threshold ${scorer.threshold}, fitted in ${((performance.now() - t) / 1000).toFixed(2)} s incl. features)`;
  }
  if (config.conventions !== undefined && depth === 0) {
    // What survives detection on each fold when trained on the other, labelled by the gold.
    const conventions = new AnnotationConventions();
    for (const k of [0, 1]) {
      const inner = (await trainedLinker({ ...config, conventions: undefined }, folds(train)[1 - k], c, depth + 1)).linker;
      for (const doc of folds(train)[k]) {
        const gold = new Set(inKbSpans(doc, c.mapGold).map((s) => `${s.start}:${s.end}`));
        for (const m of await inner.linkDocument(doc.text, { topK: 1 })) {
          const top = m.nil ? undefined : m.candidates[0];
          if (top === undefined) continue;
          conventions.add(c.kb.get(top.id)?.type ?? '', conventionShape(m.text, m.partOfName === true), gold.has(`${m.start}:${m.end}`));
        }
      }
    }
    linker.setConventions(conventions, { learn: false, operatingPoint: config.conventions });
    note += ` (conventions: ${conventions.size} detections on the training folds)`;
  }
  return { linker, note };
}

function inKbSpans(doc: GoldDocument, mapGold: GoldMapper): { start: number; end: number; ids: readonly string[]; text: string }[] {
  return doc.mentions.flatMap((m) => {
    const g = mapGold(m);
    return g.status === 'in-kb' ? [{ start: m.start, end: m.end, ids: g.ids, text: m.text }] : [];
  });
}

function countInKb(docs: readonly GoldDocument[], mapGold: GoldMapper): number {
  return docs.reduce((n, d) => n + inKbSpans(d, mapGold).length, 0);
}

/** The KB with every in-KB training gold surface form added as an alias of its gold entities (same rows). */
function withTrainingNames(kb: KnowledgeBase, train: readonly GoldDocument[], mapGold: GoldMapper): KnowledgeBase {
  const extra = new Map<string, Set<string>>();
  for (const doc of train) {
    for (const s of inKbSpans(doc, mapGold)) for (const id of s.ids) (extra.get(id) ?? extra.set(id, new Set()).get(id))?.add(s.text);
  }
  const entities: Entity[] = kb.entities.map((e) => {
    const names = extra.get(e.id);
    return names === undefined ? e : { ...e, aliases: [...new Set([...e.aliases, ...names])] };
  });
  return new KnowledgeBase(`${kb.name}+oke-train-names`, entities);
}

/** The training gold's practice on place chains "A, B" (chainConvention.ts) as the votes of learned detection. */
function chainConvention(train: readonly GoldDocument[], mapGold: GoldMapper, rowOf: (id: string) => number | undefined): LearnedDetection {
  const memory = new AnnotatorMemory();
  for (const doc of train) for (const d of chainDecisions(doc.text, inKbSpans(doc, mapGold).map((s) => ({ ...s, entityId: s.ids[0] ?? '' })))) memory.observe(d);
  return LearnedDetection.fromMemory(memory, rowOf);
}

/**
 * Gold spans of the training documents as the scorer's examples: in-KB gold spans are the mentions; the other gold
 * spans (out-of-KB, NIL) are negatives, left out or mentions as `notInKb` says.
 */
function trainingExamples(detector: MentionDetector, train: readonly GoldDocument[], mapGold: GoldMapper, notInKb: Config['notInKb'] = 'negative', kb?: KnowledgeBase): MentionExample[] {
  // 'if named': only the gold spans whose form is a name of some KB entity (the KB knows the form, not the gold's entity).
  const named = notInKb.endsWith('if named') && kb !== undefined ? new Set(kb.entities.flatMap((e) => [e.title, ...e.aliases].map((n) => n.toLowerCase()))) : undefined;
  return train.flatMap((doc) => {
    const inKb = inKbSpans(doc, mapGold);
    const others = doc.mentions.filter((m) => !inKb.some((s) => s.start === m.start && s.end === m.end) && (named === undefined || named.has(m.text.toLowerCase())));
    if (notInKb.startsWith('mention')) return detector.examplesFromMentions(doc.text, [...inKb, ...others], [], doc.id);
    return detector.examplesFromMentions(doc.text, inKb, [], doc.id, notInKb.startsWith('unlabelled') ? others : []);
  });
}

/** --classes: strict P / R of each row on role words (roleTitles.ts isRoleWord of the last word) and on the other spans. */
const CLASSES = process.argv.includes('--classes');

/** Strict precision and recall per class of span: role words (the last word, or its singular, a WordNet person noun) and the rest. */
async function printClasses(linker: Linker, docs: readonly GoldDocument[], mapGold: GoldMapper): Promise<void> {
  const frequencies = builtInWordFrequencies();
  if (frequencies === undefined) return;
  const classOf = (text: string): 'role' | 'other' => {
    const last = text.trim().split(/\s+/).pop()?.toLowerCase() ?? '';
    return isRoleWord(last, frequencies) || (last.endsWith('s') && isRoleWord(last.slice(0, -1), frequencies)) ? 'role' : 'other';
  };
  const n = { role: { tp: 0, predicted: 0, gold: 0 }, other: { tp: 0, predicted: 0, gold: 0 } };
  for (const doc of docs) {
    const gold = inKbSpans(doc, mapGold);
    for (const g of gold) n[classOf(g.text)].gold++;
    for (const l of await linker.linkDocument(doc.text, { topK: 1 })) {
      const top = l.nil ? undefined : l.candidates[0];
      if (top === undefined) continue;
      const c = n[classOf(l.text)];
      c.predicted++;
      if (gold.some((g) => g.start === l.start && g.end === l.end && g.ids.includes(top.id))) c.tp++;
    }
  }
  const pct = (a: number, b: number): string => (b === 0 ? '-' : ((100 * a) / b).toFixed(1));
  console.log(`|   by class | role words: TP ${n.role.tp} of ${n.role.predicted} predicted, ${n.role.gold} gold (P ${pct(n.role.tp, n.role.predicted)} / R ${pct(n.role.tp, n.role.gold)}); other: TP ${n.other.tp} of ${n.other.predicted}, ${n.other.gold} gold (P ${pct(n.other.tp, n.other.predicted)} / R ${pct(n.other.tp, n.other.gold)}) | | | | | | |`);
}

/** False positives (span, top entity, its type, what the gold says of the span) and missed in-KB golds. */
async function printErrors(linker: Linker, docs: readonly GoldDocument[], mapGold: GoldMapper): Promise<void> {
  const entities = linker.detector.entities ?? [];
  const byId = new Map(entities.map((e) => [e.id, e]));
  for (const doc of docs) {
    const linked = await linker.linkDocument(doc.text, { topK: 10 });
    const gold = new Map(doc.mentions.map((m) => [`${m.start}:${m.end}`, { m, g: mapGold(m) }]));
    const found = new Set<string>();
    for (const l of linked) {
      const top = l.nil ? undefined : l.candidates[0];
      if (top === undefined) continue;
      const key = `${l.start}:${l.end}`;
      const g = gold.get(key);
      const ok = g !== undefined && g.g.status === 'in-kb' && g.g.ids.includes(top.id);
      if (ok) found.add(key);
      else console.log(`FP\t${l.text}\t${byId.get(top.id)?.title ?? top.id}\t${byId.get(top.id)?.type ?? ''}\t${g === undefined ? 'no gold' : g.g.status}`);
    }
    for (const [key, { m, g }] of gold) {
      if (g.status !== 'in-kb' || found.has(key)) continue;
      const e = byId.get(g.ids[0] ?? '');
      const near = linked.find((l) => l.start < m.end && m.start < l.end);
      console.log(`FN\t${m.text}\t${e?.title ?? ''}\t${e?.type ?? ''}\t${near === undefined ? 'undetected' : `overlaps "${near.text}"`}\t${doc.text.slice(Math.max(0, m.start - 30), m.end + 30).replace(/\s+/g, ' ')}`);
    }
  }
}

/**
 * The errors of one linker on `docs`, classified and counted into `counts` (one TSV line each: fold, class, span
 * text, top entity or gold entity, scorer probability, context). True positives are counted as 'TP'.
 */
async function classifyErrors(linker: Linker, docs: readonly GoldDocument[], mapGold: GoldMapper, counts: Map<string, number>, fold: string): Promise<void> {
  const byId = new Map((linker.detector.entities ?? []).map((e) => [e.id, e]));
  const scorer = linker.mentionScorer;
  const count = (c: string): void => void counts.set(c, (counts.get(c) ?? 0) + 1);
  for (const doc of docs) {
    const linked = await linker.linkDocument(doc.text, { topK: 10 });
    const detected = linker.detector.detect(doc.text);
    // Every candidate the detector considers, with its probability: the same detector with a threshold of 0.
    const all = scorer === undefined ? detected : (linker.detector.scorer = MentionScorer.fromJSON({ ...scorer.toJSON(), threshold: 0 }), linker.detector.detect(doc.text));
    linker.detector.scorer = scorer;
    const golds = doc.mentions.map((m) => ({ m, g: mapGold(m) }));
    const at = (s: { start: number; end: number }): string => doc.text.slice(Math.max(0, s.start - 40), s.end + 40).replace(/\s+/g, ' ');
    const found = new Set<string>();
    for (const l of linked) {
      const top = l.nil ? undefined : l.candidates[0];
      if (top === undefined) continue;
      const same = golds.find(({ m }) => m.start === l.start && m.end === l.end);
      const over = golds.find(({ m }) => m.start < l.end && l.start < m.end);
      let c: string;
      if (same !== undefined && same.g.status === 'in-kb') c = same.g.ids.includes(top.id) ? 'TP' : 'FP wrong entity';
      else if (same !== undefined) c = 'FP out-of-KB gold span';
      else if (over !== undefined) c = over.g.status === 'in-kb' ? 'FP boundary of an in-KB gold' : 'FP boundary of an out-of-KB gold';
      else c = 'FP no gold';
      if (c === 'TP') found.add(`${l.start}:${l.end}`);
      count(c);
      if (c !== 'TP') console.log(`${fold}\t${c}\t${l.text}\t${byId.get(top.id)?.title ?? top.id}\t${byId.get(top.id)?.type ?? ''}\tp=${(detected.find((d) => d.start === l.start && d.end === l.end)?.probability ?? NaN).toFixed(2)}\ttop=${top.probability.toFixed(2)}\t${over === undefined ? '' : `gold "${over.m.text}"`}\t${at(l)}`);
    }
    for (const { m, g } of golds) {
      if (g.status !== 'in-kb' || found.has(`${m.start}:${m.end}`)) continue;
      const l = linked.find((x) => x.start === m.start && x.end === m.end);
      const near = linked.find((x) => x.start < m.end && m.start < x.end && !(x.start === m.start && x.end === m.end));
      const cand = all.find((x) => x.start === m.start && x.end === m.end);
      let c: string;
      if (l !== undefined) c = l.nil ? 'FN linked NIL' : 'FN wrong entity';
      else if (near !== undefined) c = 'FN boundary';
      else if (detected.some((x) => x.start === m.start && x.end === m.end)) c = 'FN dropped by conventions';
      else if (cand !== undefined) c = 'FN below threshold';
      else if (all.some((x) => x.start < m.end && m.start < x.end)) c = 'FN not a candidate (overlapping candidate)';
      else c = 'FN not a candidate';
      count(c);
      const e = byId.get(g.ids[0] ?? '');
      console.log(`${fold}\t${c}\t${m.text}\t${e?.title ?? ''}\t${e?.type ?? ''}\tp=${(cand?.probability ?? NaN).toFixed(2)}\t${near === undefined ? '' : `near "${near.text}"`}\t${c === 'FN below threshold' ? explain(linker, doc.text, m) : ''}\t${at(m)}`);
    }
  }
}

/**
 * Why the scorer put a span where it did: the feature contributions (weight x value, memory included) that pull
 * it down most and up most, and the surface and type memory counts it met.
 */
function explain(linker: Linker, text: string, span: { start: number; end: number }): string {
  const scorer = linker.mentionScorer;
  const example = linker.detector.examples(text, [{ ...span, label: true }])[0];
  if (scorer === undefined || example === undefined) return '';
  const inside = example.features[MENTION_FEATURE_NAMES.indexOf('insideLongerName')] === 1;
  const surface = scorer.memoryOf(example.surface, inside);
  const type = scorer.typeMemoryOf(example.type ?? '', inside);
  const x = withMemory(example.features, surface, type);
  const parts = MENTION_FEATURE_NAMES.map((n, k) => ({ n, v: scorer.weights[k] * x[k] })).filter((c) => c.n !== 'bias' && Math.abs(c.v) >= 0.3).sort((a, b) => a.v - b.v);
  return `[${parts.map((c) => `${c.n} ${c.v.toFixed(1)}`).join(', ')}; surface +${surface.positive}/-${surface.negative}, type ${example.type} +${type.positive}/-${type.negative}]`;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
