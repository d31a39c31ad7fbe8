/**
 * Fine-tuning evidence: recall of the base USE-lite bi-encoder and of heads fine-tuned with random, hard and
 * mixed negatives (same K, epochs and batch size), over several seeds, on held-out documents.
 *
 *   node out/bench/finetune.js [--only=elevant,wsd] [--seeds=3] [--first-seed=1] [--epochs=4] [--negatives=64] [--lr=0.001]
 *                              [--entity-side] [--strategies=random,hard,mixed] [--quick] [--whole-linker]
 *                              [--select-on=cross-fit,linker] [--folds=3] [--diagnose]
 *
 * --whole-linker runs `finetune` itself per seed (head + ranker refitted for it + the training documents'
 * learned state, epoch chosen on the whole linker's dev accuracy) and scores the whole linker of the written
 * folder on the test documents against the parent with the shipped ranker (gold spans), with time per epoch;
 * --select-on lists the selections compared (linker: the default, a seeded 20% dev split; cross-fit: pooled
 * over --folds folds of the training documents). --diagnose prints, per epoch's head, the ranker refitted as
 * the 'linker' selection does with its dev accuracy beside the test accuracy (diagnosis only: nothing is chosen on it).
 *
 * - elevant vs wiki11k (gold = the entity whose title is the label's Wikidata name): train on oke-2015-train,
 *   oke-2016-train, rss-500, reuters-128 and derczynski (dev = a seeded 20% of their documents, for early
 *   stopping), test on news-fair, oke-2015-eval, oke-2016-eval and wiki-fair. Recall over the whole KB. Training
 *   documents whose text is a held-out document's are left out (oke-2016-train holds 88 of the 101
 *   oke-2015-eval documents), and a training text met twice is used once (leakFreeTraining).
 * - WSD vs WordNet: train on semeval2013 + semeval2015 + senseval3, test on senseval2 + semeval2007; recall
 *   among the lemma's senses (recall@1 = accuracy; @10/@64 are near 100% by construction). The KB is the
 *   union of the senses of every lemma in these sets (what is ever scored).
 * Vectors come from the same on-disk caches as bench/quality.ts (.cache/bench/<kb>/), so only the first run
 * encodes. Splits are by document, never by mention. Prints mean ± sample standard deviation over seeds.
 */
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TextEncoder } from '../src/core/encoder/encoder';
import { createGoldMapper, type GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument, GoldMention } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { embedAll } from '../src/core/index/embeddingCache';
import { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { parseSourceArg } from '../src/core/kb/sniffFormat';
import { loadWordNetLexicon } from '../src/core/kb/wordnetLexicon';
import { DEFAULT_TEMPLATE, entityText, templateId } from '../src/core/linker/textTemplates';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { splitByDocument } from '../src/core/formats/documentSplit';
import type { NegativeStrategy } from '../src/core/training/negativeMining';
import { type HeadWeights, identityHead, projectRows } from '../src/core/encoder/finetuned/head';
import { FinetunedEncoder } from '../src/core/encoder/finetuned/finetunedEncoder';
import { readFinetunedModel } from '../src/core/encoder/finetuned/finetunedModel';
import { DEFAULT_RANKER_WEIGHTS, type RankerWeights, loadRankerWeights } from '../src/core/linker/ranker';
import { fitRanker, learnedStateOf, memoryFromGold } from '../src/core/training/finetuneRanker';
import { HeadSwitchEncoder } from '../src/core/training/headSwitchEncoder';
import { type FinetuneSelection, finetune } from '../src/core/training/finetune';
import { describeLeakFree, leakFreeTraining } from '../src/core/training/leakFreeTraining';
import { readModelLearnedState } from '../src/core/training/modelLearnedState';
import { wordnetFormPriorOf, wordnetPriorOf } from '../src/core/linker/wordnetSenseCounts';
import { evaluate } from '../src/core/eval/evaluate';
import { ExactIndex } from '../src/core/index/exactIndex';
import { Linker } from '../src/core/linker/linker';
import { type TrainingMention, trainingMentions } from '../src/core/training/trainingExamples';
import { type DevMetrics, type HeadExample, type HeadTrainingData, evaluateHead, trainHead } from '../src/core/training/trainHead';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const CACHE = path.join(ROOT, '.cache/bench');
const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const QUICK = argv.includes('--quick');
const ONLY = arg('only')?.split(',');
const SEEDS = Number(arg('seeds') ?? (QUICK ? 1 : 3));
/** The first seed run (seeds FIRST_SEED .. FIRST_SEED + SEEDS - 1), so that the seeds of a long run can run one per process. */
const FIRST_SEED = Number(arg('first-seed') ?? 1);
const EPOCHS = Number(arg('epochs') ?? 4);
const NEGATIVES = Number(arg('negatives') ?? 64);
const LR = Number(arg('lr') ?? 1e-3);
const ENTITY_SIDE = argv.includes('--entity-side');
const STRATEGIES = (arg('strategies')?.split(',') ?? ['random', 'hard', 'mixed']) as NegativeStrategy[];

interface Section {
  readonly name: string;
  readonly kb: KnowledgeBase;
  readonly entityVectors: Float32Array;
  readonly train: readonly TrainingMention[];
  readonly dev: readonly TrainingMention[];
  readonly test: readonly TrainingMention[];
  readonly mentionVectors: Float32Array;
  readonly note: string;
  /** For the end-to-end check with the Linker (gold spans given, hybrid retrieval, shipped ranker weights). */
  readonly linkerEval?: { readonly encoder: TextEncoder; readonly docs: readonly GoldDocument[]; readonly mapGold: GoldMapper };
  /** The documents as read, for `finetune` itself (--whole-linker). */
  readonly gold: { readonly train: readonly GoldDocument[]; readonly test: readonly GoldDocument[]; readonly mapGold: GoldMapper; readonly candidatesFor?: (m: GoldMention) => readonly string[] | undefined };
}
const WHOLE_LINKER = argv.includes('--whole-linker');
/** Where `finetune`'s gain comes from, per epoch, on the test documents (diagnosis only: nothing is chosen on them). */
const DIAGNOSE = argv.includes('--diagnose');
/** `finetune`'s selections compared by --whole-linker (each seed runs each). */
const SELECTIONS = (arg('select-on')?.split(',') ?? ['linker']) as FinetuneSelection[];
const FOLDS = arg('folds') === undefined ? undefined : Number(arg('folds'));

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`finetune bench: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  const { encoder, modelDir } = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  console.log(`# Fine-tuning a scoring head over USE-lite (bench/finetune.ts ${argv.join(' ')})`);
  console.log('');
  console.log(
    `${new Date().toISOString()}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load average ${os.loadavg()[0]!.toFixed(1)}, node ${process.version}; ` +
      `parent ${path.relative(ROOT, modelDir)} (${encoder.modelId.slice(0, 12)}); K = 1 gold + ${NEGATIVES} negatives (mixed: half hard, half random); ` +
      `${EPOCHS} epochs max (early stopping on dev recall@64, patience 2), batch 32, AdamW lr ${LR} (10% warmup, linear decay, wd 0.01, clip 1.0), ` +
      `initial scale 20; entity-side map ${ENTITY_SIDE ? 'trained' : 'frozen (identity)'}; seeds ${FIRST_SEED}..${FIRST_SEED + SEEDS - 1}; template ${templateId(DEFAULT_TEMPLATE)}.`,
  );
  try {
    const run = DIAGNOSE ? (s: Section) => diagnoseTable(s, encoder) : WHOLE_LINKER ? (s: Section) => wholeLinkerTable(s, encoder, modelDir) : runSection;
    if (ONLY === undefined || ONLY.includes('elevant')) await run(await elevantSection(encoder));
    if (ONLY === undefined || ONLY.includes('wsd')) await run(await wsdSection(encoder));
  } finally {
    await encoder.dispose();
  }
}

async function elevantSection(encoder: TextEncoder): Promise<Section> {
  const dir = path.join(DATA, 'elevant');
  const trainFiles = QUICK ? ['rss-500', 'derczynski'] : ['oke-2015-train', 'oke-2016-train', 'rss-500', 'reuters-128', 'derczynski'];
  const testFiles = QUICK ? ['news-fair'] : ['news-fair', 'oke-2015-eval', 'oke-2016-eval', 'wiki-fair'];
  const read = async (names: string[]): Promise<GoldDocument[]> => (await Promise.all(names.map((n) => readGold(path.join(dir, `${n}.benchmark.jsonl`), 'elevant')))).flat();
  const { kb } = await loadKnowledgeBase([parseSourceArg(`brat:${path.join(DATA, 'wiki11k/Wiki.txt')}`)], { strict: false, name: 'wiki11k', sourceLocations: false });
  const mapGold = createGoldMapper(kb, { kind: 'title' });
  const testDocs = await read(testFiles);
  // oke-2016-train holds 88 of the 101 oke-2015-eval documents: training documents that are test documents (of
  // any held-out elevant file) are left out, and each training text is used once.
  const heldOut = await read(readdirSync(dir).filter((f) => f.endsWith('.benchmark.jsonl')).map((f) => f.replace('.benchmark.jsonl', '')).filter((n) => !trainFiles.includes(n)));
  const split = leakFreeTraining(await read(trainFiles), heldOut);
  console.log(describeLeakFree('elevant', split));
  const section = await buildSection(encoder, 'elevant vs wiki11k', kb, 'wiki11k', split.train, testDocs, mapGold, undefined,
    `train ${trainFiles.join('+')} (${split.train.length} of ${split.before} documents: ${split.inTest} equal to test documents and ${split.repeats} repeats left out), test ${testFiles.join('+')}; recall over all ${'{kb}'} entities`);
  return { ...section, linkerEval: { encoder, docs: testDocs, mapGold } };
}

async function wsdSection(encoder: TextEncoder): Promise<Section> {
  const dir = path.join(DATA, 'wsd');
  const trainSets = QUICK ? ['semeval2015'] : ['semeval2013', 'semeval2015', 'senseval3'];
  const testSets = QUICK ? ['semeval2007'] : ['senseval2', 'semeval2007'];
  const read = async (names: string[]): Promise<GoldDocument[]> => (await Promise.all(names.map((n) => readGold(path.join(dir, n), 'wsd')))).flat();
  const train = await read(trainSets);
  const test = await read(testSets);
  const lexicon = await loadWordNetLexicon();
  const { kb: full } = await loadKnowledgeBase([parseSourceArg('wordnet:all')], { strict: false, name: 'WordNet (all POS)', sourceLocations: false });
  const senses = (m: GoldMention): readonly string[] | undefined => (m.lemma === undefined ? undefined : lexicon.lemmaSenses(m.lemma, m.pos));
  const rows = new Set<number>();
  for (const d of [...train, ...test]) for (const m of d.mentions) for (const id of senses(m) ?? []) {
    const r = full.rowOf(id);
    if (r !== undefined) rows.add(r);
  }
  const kb = new KnowledgeBase('WordNet senses of the lemmas', [...rows].sort((a, b) => a - b).map((r) => full.entities[r]!));
  const mapGold = createGoldMapper(kb, { kind: 'sense-key', resolveSenseKey: (key) => lexicon.entityIdOfSenseKey(key) });
  return buildSection(encoder, 'WSD vs WordNet', kb, 'wordnet', train, test, mapGold, (m) => senses(m),
    `train ${trainSets.join('+')}, test ${testSets.join('+')}; recall among the lemma's senses; KB = the {kb} senses of all lemmas`);
}

async function buildSection(
  encoder: TextEncoder,
  name: string,
  kb: KnowledgeBase,
  cacheName: string,
  trainDocs: readonly GoldDocument[],
  testDocs: readonly GoldDocument[],
  mapGold: GoldMapper,
  candidatesFor: ((m: GoldMention) => readonly string[] | undefined) | undefined,
  note: string,
): Promise<Section> {
  const t = performance.now();
  const entityVectors = await embedAll({
    cacheDir: path.join(CACHE, cacheName),
    modelId: encoder.modelId,
    dims: encoder.dims,
    texts: kb.entities.map((e) => entityText(e, DEFAULT_TEMPLATE)),
    encode: (texts) => encoder.encode(texts, { batchSize: 64, role: 'entity' }),
  });
  const split = splitByDocument(trainDocs, 0.2, 0, (d) => d.id);
  const opts = { mapGold, candidatesFor };
  const train = trainingMentions(split.train, kb, opts);
  const dev = trainingMentions(split.dev, kb, opts);
  const test = trainingMentions(testDocs, kb, opts);
  const all = [...train.mentions, ...dev.mentions, ...test.mentions];
  const mentionVectors = await embedAll({
    cacheDir: path.join(CACHE, 'finetune-mentions'),
    modelId: encoder.modelId,
    dims: encoder.dims,
    texts: all.map((m) => m.text),
    encode: (texts) => encoder.encode(texts, { batchSize: 64, role: 'mention' }),
  });
  const c = test.counts;
  console.log('');
  console.log(`## ${name}`);
  console.log('');
  console.log(
    `${note.replace('{kb}', String(kb.size))}. Documents train/dev/test ${split.train.length}/${split.dev.length}/${testDocs.length}; ` +
      `mentions trained on (gold in KB) ${train.mentions.length}, dev ${dev.mentions.length}, test ${test.mentions.length} ` +
      `(test also had ${c.nil} NIL, ${c.outOfKb} out of KB, ${c.goldNotCandidate} gold not among the candidates, left out). Setup ${secs(performance.now() - t)} s.`,
  );
  return { name, kb, entityVectors, train: train.mentions, dev: dev.mentions, test: test.mentions, mentionVectors, note, gold: { train: trainDocs, test: testDocs, mapGold, ...(candidatesFor === undefined ? {} : { candidatesFor }) } };
}

/**
 * `finetune` as the CLI runs it (dev = a seeded 20% of the training documents), once per seed, then the whole
 * linker of the written folder (head, ranker.json, learned.json) on the test documents, against the parent with
 * the shipped ranker weights and no learned state. Gold spans; hybrid retrieval as in linkerTable.
 */
async function wholeLinkerTable(s: Section, parentEncoder: TextEncoder, parentDir: string): Promise<void> {
  const dims = parentEncoder.dims;
  const parent = memoEncoder(parentEncoder);
  const normalized = projectRows(identityHead(dims, 1).entity, s.entityVectors, dims);
  const index = new ExactIndex(normalized, dims);
  const linkerOptions = { denseTopN: 64, lexicalTopN: 64, hardNegatives: 0 } as const;
  const candidatesFor = s.gold.candidatesFor === undefined ? undefined : (m: GoldMention): readonly string[] | undefined => s.gold.candidatesFor!(m);
  const accuracyOf = async (linker: Linker): Promise<number> => (await evaluate({ docs: s.gold.test, linker, mapGold: s.gold.mapGold, ...(candidatesFor === undefined ? {} : { candidatesFor }), topK: 64, skipInvalid: true })).metrics.accuracy ?? 0;
  const entityPrior = await wordnetPriorOf(s.kb.entities);
  // WordNet's per-lemma sense counts (the formPrior feature), as the CLI's finetune and eval pass them.
  const formPrior = await wordnetFormPriorOf(s.kb.entities);
  const prior = { ...(entityPrior === undefined ? {} : { entityPrior }), ...(formPrior === undefined ? {} : { formPrior }) };
  const base = await accuracyOf(new Linker({ kb: s.kb, encoder: parent, index, ...prior, options: linkerOptions }));
  console.log('');
  console.log(`Whole linker, \`finetune\` (head + ranker + learned state, selected on whole-linker dev accuracy), test documents, gold spans; parent with the shipped ranker: ${pct(base)}.`);
  console.log('');
  console.log('| selection | seed | selection acc. parent -> folder | test acc. | Δ vs parent | best epoch | ranker | s/epoch (train + select) | total s |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  const accs = new Map<FinetuneSelection, number[]>(SELECTIONS.map((sel) => [sel, []]));
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) for (const selectOn of SELECTIONS) {
    const out = path.join(os.tmpdir(), `el-bench-finetune-${process.pid}-${seed}`);
    const started = performance.now();
    const result = await finetune({
      train: s.gold.train, kb: s.kb, encoder: parent, parentDir, entityVectors: s.entityVectors, entityIndex: index, rankerWeights: DEFAULT_RANKER_WEIGHTS, ...prior,
      linkerOptions, mapGold: s.gold.mapGold, ...(candidatesFor === undefined ? {} : { candidatesFor }), outDir: out, overwrite: true, selectOn, ...(FOLDS === undefined ? {} : { folds: FOLDS }),
      onProgress: (p) => {
        const at = `${((performance.now() - started) / 1000).toFixed(0)} s`;
        if (p.stage === 'epoch') console.error(`  [${at}] ${selectOn} seed ${seed} epoch ${p.report.epoch}: head ${p.report.seconds.toFixed(1)} s, selection ${(p.report.selectionSeconds ?? 0).toFixed(1)} s, score ${pct(p.report.selection ?? 0)}`);
        else if (p.stage === 'evaluate' && 'epoch' in p && p.done === 0) console.error(`  [${at}] ${selectOn} seed ${seed} scoring epoch ${p.epoch}`);
      },
      training: { negatives: 'mixed', numNegatives: NEGATIVES, epochs: EPOCHS, seed, optimizer: { lr: LR, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, warmupFraction: 0.1, clipNorm: 1 } },
    });
    const total = (performance.now() - started) / 1000;
    const { head } = readFinetunedModel(out);
    const learned = await readModelLearnedState(out);
    const linker = new Linker({ kb: s.kb, encoder: new FinetunedEncoder(parent, head), index, rankerWeights: await loadRankerWeights(out), ...(learned === undefined ? {} : { learned }), ...prior, options: linkerOptions });
    const acc = await accuracyOf(linker);
    accs.get(selectOn)!.push(acc);
    const dev = result.manifest.metrics.linker;
    const epochs = result.training.epochs;
    const perEpoch = `${mean(epochs.map((e) => e.seconds)).toFixed(1)} + ${mean(epochs.map((e) => e.selectionSeconds ?? 0)).toFixed(1)}`;
    const ranker = /kept from|did not beat/.test(readFileSync(path.join(out, 'ranker.json'), 'utf8')) ? 'parent' : 'refitted';
    const crossFit = result.manifest.training?.['crossFit'] as { epoch: number; refit: number; l2: number; byL2: Record<string, number>; base: number }[] | undefined;
    if (crossFit !== undefined) {
      const byL2 = (e: { byL2: Record<string, number> }): string => Object.entries(e.byL2).map(([l2, a]) => `l2 ${l2} ${pct(a)}`).join(' ');
      console.error(`\nSeed ${seed} cross-fit per epoch (out of fold: refit at each pull / parent ranker): ${crossFit.map((e) => `${e.epoch}: ${byL2(e)} / ${pct(e.base)}`).join('; ')}\n`);
    }
    console.log(`| ${selectOn} | ${seed} | ${dev === undefined ? '' : `${pct(dev.before)} -> ${pct(dev.after)}`} | ${pct(acc)} | ${(100 * (acc - base)).toFixed(2)} | ${result.training.bestEpoch} | ${ranker} | ${perEpoch} | ${total.toFixed(0)} |`);
    rmSync(out, { recursive: true, force: true });
  }
  for (const [selectOn, a] of accs) console.log(`| ${selectOn} mean ± sd | | | ${meanSd(a.map((x) => 100 * x))} | ${meanSd(a.map((x) => 100 * (x - base)))} | | | | |`);
}

/**
 * Diagnosis of `finetune`'s whole-linker result on the test documents (never used to choose): the parent, the
 * parent with the training documents' learned state, and for every epoch's head the ranker refitted as
 * `finetune` does it (dev = its seeded 20%), with the dev accuracy `finetune` selects on beside the test accuracy.
 */
async function diagnoseTable(s: Section, parentEncoder: TextEncoder): Promise<void> {
  const dims = parentEncoder.dims;
  const index = new ExactIndex(projectRows(identityHead(dims, 1).entity, s.entityVectors, dims), dims);
  const linkerOptions = { denseTopN: 64, lexicalTopN: 64, hardNegatives: 0 } as const;
  const reading = { mapGold: s.gold.mapGold, ...(s.gold.candidatesFor === undefined ? {} : { candidatesFor: (m: GoldMention) => s.gold.candidatesFor!(m) }) };
  const entityPrior = await wordnetPriorOf(s.kb.entities);
  const encoder = new HeadSwitchEncoder(parentEncoder);
  const linker = new Linker({ kb: s.kb, encoder, index, rankerWeights: DEFAULT_RANKER_WEIGHTS, ...(entityPrior === undefined ? {} : { entityPrior }), options: linkerOptions });
  const memory = learnedStateOf(memoryFromGold(s.gold.train, reading));
  const test = async (weights: RankerWeights | undefined, learned: boolean): Promise<string> => {
    linker.setLearnedState(learned || weights !== undefined ? { ...memory, ...(learned ? {} : { memory: learnedStateOf(memoryFromGold([], reading)).memory, decisions: 0 }), ...(weights === undefined ? {} : { weights }) } : undefined);
    const r = await evaluate({ docs: s.gold.test, linker, ...reading, topK: 64, skipInvalid: true });
    linker.setLearnedState(undefined);
    console.error(`  test eval ${r.seconds.toFixed(0)} s`);
    return `${pct(r.metrics.accuracy ?? 0)} (${r.perCollection.map((c) => `${c.key} ${pct(c.accuracy ?? 0)}`).join(', ')})`;
  };
  console.log('');
  console.log(`Diagnosis (test documents, gold spans): parent ${await test(undefined, false)}; parent + learned state of all training documents ${await test(undefined, true)}.`);
  for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
    const split = splitByDocument(s.gold.train, 0.2, seed, (d) => d.id);
    const opts = { ...reading, template: DEFAULT_TEMPLATE };
    const tr = trainingMentions(split.train, s.kb, opts).mentions;
    const dv = trainingMentions(split.dev, s.kb, opts).mentions;
    const mentionVectors = await embedAll({ cacheDir: path.join(CACHE, 'finetune-mentions'), modelId: parentEncoder.modelId, dims, texts: [...tr, ...dv].map((m) => m.text), encode: (texts) => parentEncoder.encode(texts, { batchSize: 64, role: 'mention' }) });
    console.log('');
    console.log(`Seed ${seed}: ${split.train.length}/${split.dev.length} documents, ${tr.length}/${dv.length} in-KB mentions.`);
    console.log('');
    console.log('| epoch | ranker | dev acc. | test acc. (per file) |');
    console.log('|---|---|---|---|');
    await trainHead(
      { dims, entityVectors: s.entityVectors, mentionVectors, train: examples(tr, 0), dev: examples(dv, tr.length), entityIndex: index },
      { negatives: 'mixed', numNegatives: NEGATIVES, epochs: EPOCHS, patience: EPOCHS, seed, optimizer: { lr: LR, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, warmupFraction: 0.1, clipNorm: 1 } },
      {
        select: async (head, epoch) => {
          encoder.head = head;
          const fit = await fitRanker(linker, split.train, split.dev, reading, DEFAULT_RANKER_WEIGHTS, { seed });
          console.error(`  fit ${fit.seconds.toFixed(0)} s`);
          console.log(`| ${epoch} | refit (${fit.examples} ex.) | ${pct(fit.devAccuracy)} | ${await test(fit.weights, true)} |`);
          if (epoch === 0 || epoch === EPOCHS) console.log(`| ${epoch} | shipped | | ${await test(DEFAULT_RANKER_WEIGHTS, true)} |`);
          if (epoch === 0) {
            const all = await fitRanker(linker, s.gold.train, split.dev, reading, DEFAULT_RANKER_WEIGHTS, { seed });
            console.log(`| ${epoch} | refit on train + dev (${all.examples} ex.) | | ${await test(all.weights, true)} |`);
            for (const l2 of [50]) {
              const strong = await fitRanker(linker, split.train, split.dev, reading, DEFAULT_RANKER_WEIGHTS, { seed, train: { l2 } });
              console.log(`| ${epoch} | refit, l2 ${l2} | ${pct(strong.devAccuracy)} | ${await test(strong.weights, true)} |`);
            }
            console.log(`| ${epoch} | refit, no learned state | | ${await test(fit.weights, false)} |`);
          }
          return fit.devAccuracy;
        },
      },
    );
  }
}

function examples(ms: readonly TrainingMention[], offset: number): HeadExample[] {
  return ms.map((m, i) => ({ mentionRow: offset + i, goldRows: m.goldRows, excludedRows: m.excludedRows, ...(m.candidateRows === undefined ? {} : { candidateRows: m.candidateRows }) }));
}

async function runSection(s: Section): Promise<void> {
  const dims = s.entityVectors.length / s.kb.size;
  const data: HeadTrainingData = {
    dims,
    entityVectors: s.entityVectors,
    mentionVectors: s.mentionVectors,
    train: examples(s.train, 0),
    dev: examples(s.dev, s.train.length),
  };
  const test = examples(s.test, s.train.length + s.dev.length);
  const base = evaluateHead(identityHead(dims, 20), data, test);
  const heads: { name: string; head: HeadWeights | undefined }[] = [{ name: 'base (USE-lite)', head: undefined }];
  const rows: string[] = [];
  rows.push(row('base (USE-lite cosine)', [base], base, [], [], []));
  for (const strategy of STRATEGIES) {
    const results: DevMetrics[] = [];
    const seconds: number[] = [];
    const epochs: number[] = [];
    const devGain: number[] = [];
    let firstHead: HeadWeights | undefined;
    for (let seed = FIRST_SEED; seed < FIRST_SEED + SEEDS; seed++) {
      const r = await trainHead(data, { negatives: strategy, numNegatives: NEGATIVES, epochs: EPOCHS, seed, trainEntitySide: ENTITY_SIDE, optimizer: { lr: LR, beta1: 0.9, beta2: 0.999, eps: 1e-6, weightDecay: 0.01, warmupFraction: 0.1, clipNorm: 1 } });
      const projected = ENTITY_SIDE ? projectRows(r.head.entity, s.entityVectors, dims) : undefined;
      results.push(evaluateHead(r.head, data, test, projected));
      firstHead ??= r.head;
      seconds.push(r.seconds);
      epochs.push(r.bestEpoch);
      devGain.push(r.after['recall@64'] - r.before['recall@64']);
      console.error(`  ${s.name} ${strategy} seed ${seed}: test R@1 ${pct(results.at(-1)!['recall@1'])}, best epoch ${r.bestEpoch}/${r.epochs.length}, ${r.seconds.toFixed(1)} s, losses ${r.epochs.map((e) => e.loss.toFixed(3)).join(' ')}`);
    }
    rows.push(row(`fine-tuned, ${strategy}`, results, base, seconds, epochs, devGain));
    heads.push({ name: `fine-tuned, ${strategy} (seed ${FIRST_SEED})`, head: firstHead! });
  }
  console.log('');
  console.log('| model | test R@1 | test R@10 | test R@64 | ΔR@1 vs base | best epoch | dev ΔR@64 | train s (mean) |');
  console.log('|---|---|---|---|---|---|---|---|');
  for (const r of rows) console.log(r);
  if (s.linkerEval !== undefined) await linkerTable(s, heads);
}

/**
 * The whole linker with each model: gold spans given, all test mentions (NIL and out-of-KB ones count as
 * errors for an always-linking system in 'acc. (all)'), hybrid and dense-only retrieval with the shipped
 * ranker weights. The ranker weights were fitted to the base model's cosines and are not refitted here.
 */
async function linkerTable(s: Section, heads: readonly { name: string; head: HeadWeights | undefined }[]): Promise<void> {
  const ev = s.linkerEval!;
  const dims = ev.encoder.dims;
  const parent = memoEncoder(ev.encoder);
  console.log('');
  console.log(`Linker on the test documents (gold spans, ${ev.docs.reduce((a, d) => a + d.mentions.length, 0)} mentions; accuracy and R@64 over in-KB mentions):`);
  console.log('');
  console.log('| model | hybrid acc. | hybrid R@64 | dense acc. | dense R@64 | link s |');
  console.log('|---|---|---|---|---|---|');
  for (const { name, head } of heads) {
    const encoder = head === undefined ? parent : new FinetunedEncoder(parent, head);
    const vectors = head === undefined ? s.entityVectors : projectRows(head.entity, s.entityVectors, dims);
    const index = new ExactIndex(vectors, dims);
    const cells: string[] = [];
    let seconds = 0;
    for (const retrievers of ['hybrid', 'dense'] as const) {
      const linker = new Linker({ kb: s.kb, encoder, index, entityVector: (row) => vectors.subarray(row * dims, (row + 1) * dims), options: { denseTopN: 64, lexicalTopN: 64, hardNegatives: 0, retrievers } });
      const report = await evaluate({ docs: ev.docs, linker, mapGold: ev.mapGold, topK: 64, skipInvalid: true });
      seconds += report.seconds;
      cells.push(pct(report.metrics.accuracy ?? 0), pct(report.metrics['recall@64'] ?? 0));
    }
    console.log(`| ${name} | ${cells.join(' | ')} | ${seconds.toFixed(1)} |`);
  }
}

function row(name: string, results: readonly DevMetrics[], base: DevMetrics, seconds: readonly number[], epochs: readonly number[], devGain: readonly number[]): string {
  const cell = (k: 'recall@1' | 'recall@10' | 'recall@64'): string => meanSd(results.map((r) => 100 * r[k]));
  return `| ${name} | ${cell('recall@1')} | ${cell('recall@10')} | ${cell('recall@64')} | ${meanSd(results.map((r) => 100 * (r['recall@1'] - base['recall@1'])))} | ${epochs.length === 0 ? '' : epochs.join(',')} | ${devGain.length === 0 ? '' : meanSd(devGain.map((g) => 100 * g))} | ${seconds.length === 0 ? '' : mean(seconds).toFixed(1)} |`;
}

/** The parent's vectors of a text, computed once for all models and retrieval modes (the head is applied after). */
function memoEncoder(inner: TextEncoder): TextEncoder {
  const memo = new Map<string, Float32Array>();
  return {
    modelId: inner.modelId,
    dims: inner.dims,
    provider: inner.provider,
    async encode(texts, options) {
      const missing = [...new Set(texts.filter((t) => !memo.has(t)))];
      if (missing.length > 0) (await inner.encode(missing, options)).forEach((v, i) => memo.set(missing[i]!, v));
      return texts.map((t) => memo.get(t)!.slice());
    },
    dispose: async () => undefined,
  };
}

function mean(xs: readonly number[]): number {
  return xs.reduce((a, b) => a + b, 0) / Math.max(1, xs.length);
}

function meanSd(xs: readonly number[]): string {
  const m = mean(xs);
  if (xs.length < 2) return m.toFixed(2);
  const sd = Math.sqrt(xs.reduce((a, x) => a + (x - m) ** 2, 0) / (xs.length - 1));
  return `${m.toFixed(2)} ± ${sd.toFixed(2)}`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(2)}%`;
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
