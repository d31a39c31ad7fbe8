/**
 * Trains the shipped ranker weights (src/core/linker/defaultRankerWeights.ts) and measures them on held-out data.
 *
 *   node out/bench/trainRanker.js [--write] [--seeds=1,2,3] [--quick]
 *
 * Split (documents never cross it):
 * - train: elevant oke-2015-train + oke-2016-train against wiki11k (gold spans), and the WSD sets semeval2013 +
 *   semeval2015 + senseval3 against WordNet (candidates = the lemma's senses, KB prior = WordNet tag counts);
 * - test: the other seven elevant files (pooled) and WSD senseval2 + semeval2007 (pooled).
 * Each training mention gives two listwise examples: as linked zero-shot, and as linked while annotating (the
 * other gold decisions of its document as the document context, the gold decisions of the earlier training
 * documents as the annotator memory), so the weights of the decision-based features are learned too. Elevant
 * examples carry 32 random wiki11k entities as random negatives (16 drawn per epoch); the two domains weigh
 * the same in the loss. The features are computed with the hand-set version-1 weights (coherence then reads
 * their confident predictions). --write stores the seed-1 weights as the shipped default.
 * The measurement compares, in the same run, the hand-set version-1 weights (the previous code) with the
 * weights of each seed, through the same linker code (gold spans, 64 candidates, in-KB accuracy).
 */
import { existsSync, readdirSync } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate } from '../src/core/eval/evaluate';
import type { EvaluationReport } from '../src/core/eval/evaluate';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument, GoldMention } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { AnnotatorMemory } from '../src/core/learning/annotatorMemory';
import { trainRanker } from '../src/core/learning/rankerTrainer';
import type { RankingExample } from '../src/core/learning/rankerTrainer';
import type { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { Linker } from '../src/core/linker/linker';
import type { LinkerInit } from '../src/core/linker/linker';
import { FEATURE_NAMES, HAND_SET_RANKER_WEIGHTS } from '../src/core/linker/ranker';
import type { RankerWeights } from '../src/core/linker/ranker';
import type { DocumentDecision, SpanRequest } from '../src/core/linker/types';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { SeededRandom } from '../src/core/training/seededRandom';
import { DATA, ROOT, openWiki11k, openWordNet, secs } from './benchData';
import { MemoEncoder, givenOrderLinker } from './qualityLinkers';
import { pct } from './qualityTables';

const argv = process.argv.slice(2);
const WRITE = argv.includes('--write');
const QUICK = argv.includes('--quick');
const seedArg = argv.find((a) => a.startsWith('--seeds='));
const SEEDS = seedArg === undefined ? [1, 2, 3] : seedArg.slice('--seeds='.length).split(',').map(Number);
const ELEVANT_TRAIN = ['oke-2015-train', 'oke-2016-train'];
const WSD_TRAIN = ['semeval2013', 'semeval2015', 'senseval3'];
const WSD_TEST = ['senseval2', 'semeval2007'];
const RANDOM_NEGATIVES = 32;
const POOL = { denseTopN: 64, lexicalTopN: 64, hardNegatives: 0 } as const;
/** The weights the features are computed with: hand-set, plus a negligible coherence weight so it is computed. */
const EXTRACTION: RankerWeights = { version: 2, weights: { ...HAND_SET_RANKER_WEIGHTS.weights, coherence: 1e-9 }, source: 'extraction' };
const OUT_FILE = path.join(ROOT, 'src/core/linker/defaultRankerWeights.ts');

interface Domain {
  readonly name: string;
  readonly kb: KnowledgeBase;
  readonly init: Omit<LinkerInit, 'rankerWeights' | 'encoder' | 'kb'>;
  readonly mapGold: GoldMapper;
  readonly candidatesFor?: (m: GoldMention) => readonly string[] | undefined;
  readonly randomNegatives: number;
  readonly train: readonly GoldDocument[];
  readonly test: readonly GoldDocument[];
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`trainRanker: no shared data at ${DATA}; nothing trained.`);
    return;
  }
  const t0 = performance.now();
  const opened = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  const encoder = new MemoEncoder(opened.encoder);
  console.log(`# Ranker training (bench/trainRanker.ts${QUICK ? ' --quick' : ''})`);
  console.log('');
  console.log(`${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; model ${opened.encoder.modelId.slice(0, 12)}; seeds ${SEEDS.join(', ')}.`);
  try {
    const domains = [await elevantDomain(encoder), await wsdDomain(encoder)];
    const examples: { domain: string; ex: RankingExample[] }[] = [];
    const memories = new Map<string, AnnotatorMemory>();
    for (const d of domains) {
      const t = performance.now();
      const { ex, memory } = await domainExamples(d, encoder);
      examples.push({ domain: d.name, ex });
      memories.set(d.name, memory);
      console.log(`${d.name}: ${d.train.length} training documents, ${ex.length} examples (two per in-KB mention whose gold was scored) in ${secs(performance.now() - t)} s`);
    }
    // Both domains weigh the same in the loss.
    const total = examples.reduce((a, e) => a + e.ex.length, 0);
    const all = examples.flatMap(({ ex }) => ex.map((e) => ({ ...e, weight: total / (examples.length * ex.length) })));
    const trained: RankerWeights[] = [];
    for (const seed of SEEDS) {
      const r = trainRanker(all, HAND_SET_RANKER_WEIGHTS, { seed, randomNegatives: 16 });
      trained.push({ ...r.weights, source: `bench/trainRanker.ts seed ${seed}` });
      console.log(`seed ${seed}: loss ${r.lossBefore.toFixed(3)} -> ${r.lossAfter.toFixed(3)} in ${r.ms.toFixed(0)} ms; ${JSON.stringify(r.weights.weights)}`);
    }
    await refitTiming(all);
    for (const d of domains) await measure(d, encoder, trained, memories.get(d.name) ?? new AnnotatorMemory());
    if (WRITE && !QUICK) await writeDefaults(trained[0], examples);
  } finally {
    await opened.encoder.dispose();
  }
  console.log('');
  console.log(`Total ${secs(performance.now() - t0)} s.`);
}

async function elevantDomain(encoder: MemoEncoder): Promise<Domain> {
  const dir = path.join(DATA, 'elevant');
  let files = readdirSync(dir).filter((f) => f.endsWith('.benchmark.jsonl')).sort();
  if (QUICK) files = files.filter((f) => f.startsWith('oke-2015'));
  const train: GoldDocument[] = [];
  const test: GoldDocument[] = [];
  for (const f of files) {
    const docs = await readGold(path.join(dir, f), 'elevant');
    (ELEVANT_TRAIN.includes(f.replace('.benchmark.jsonl', '')) ? train : test).push(...docs);
  }
  const w = await openWiki11k(encoder);
  console.log(`elevant vs wiki11k: ${w.setup.join('; ')}; test = ${files.filter((f) => !ELEVANT_TRAIN.some((t) => f.startsWith(t))).map((f) => f.replace('.benchmark.jsonl', '')).join(', ')}.`);
  return { name: 'elevant', kb: w.kb, init: { index: w.index, entityVector: w.vectors.of, options: POOL }, mapGold: w.mapGold, randomNegatives: RANDOM_NEGATIVES, train, test };
}

async function wsdDomain(encoder: MemoEncoder): Promise<Domain> {
  const read = async (names: readonly string[]): Promise<GoldDocument[]> => (await Promise.all(names.map((n) => readGold(path.join(DATA, 'wsd', n), 'wsd')))).flat();
  const train = await read(QUICK ? ['semeval2015'] : WSD_TRAIN);
  const test = await read(QUICK ? ['semeval2007'] : WSD_TEST);
  const w = await openWordNet(encoder, [...train, ...test]);
  console.log(`WSD vs WordNet: ${w.setup.join('; ')}.`);
  return { name: 'WSD', kb: w.kb, init: { entityVector: w.vectors.of, entityPrior: w.prior, options: POOL }, mapGold: w.mapGold, candidatesFor: w.candidatesFor, randomNegatives: 0, train, test };
}

/** Listwise examples from the training documents: zero-shot, then while annotating (context + memory). */
async function domainExamples(d: Domain, encoder: MemoEncoder): Promise<{ ex: RankingExample[]; memory: AnnotatorMemory }> {
  const linker = new Linker({ kb: d.kb, encoder, rankerWeights: EXTRACTION, ...d.init });
  const rng = new SeededRandom(0);
  const memory = new AnnotatorMemory();
  const out: RankingExample[] = [];
  for (const doc of d.train) {
    const golds = doc.mentions.map((m) => d.mapGold(m));
    const requests: SpanRequest[] = doc.mentions.map((m, i) => {
      const given = m.candidateIds ?? d.candidatesFor?.(m);
      if (given !== undefined) return { start: m.start, end: m.end, candidateIds: given };
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
    for (const annotating of [false, true]) {
      linker.setLearnedState(annotating ? { version: 1, memory: memory.toJSON(), decisions: memory.size } : undefined);
      const linked = await linker.linkSpans(doc.text, requests, { topK: 10000, ...(annotating ? { context: { decisions } } : {}) });
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
        });
      });
    }
    doc.mentions.forEach((m, i) => {
      if (golds[i].status === 'in-kb') memory.observe({ action: 'accept', entityId: golds[i].ids[0], text: m.text });
    });
  }
  return { ex: out, memory };
}

/** One refit on 1,000 decisions (the issue's bound: < 1 s), timed like OnlineLearner.refit. */
async function refitTiming(all: readonly RankingExample[]): Promise<void> {
  const sample = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / 1000)) === 0).slice(0, 1000).map(({ features, gold }) => ({ features, gold }));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push(trainRanker(sample, HAND_SET_RANKER_WEIGHTS, { seed: i + 1 }).ms);
  const cands = sample.reduce((a, e) => a + e.features.length, 0) / sample.length;
  console.log(`refit on ${sample.length} decisions (${cands.toFixed(1)} candidates each, ${FEATURE_NAMES.length} features): ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
}

/**
 * Held-out accuracy: the previous weights, each seed's, and each seed's with the annotator memory of the
 * training documents' gold decisions (what fine-tuning folds into a model folder: confirmed names, prior).
 */
async function measure(d: Domain, encoder: MemoEncoder, trained: readonly RankerWeights[], memory: AnnotatorMemory): Promise<void> {
  console.log('');
  console.log(`## ${d.name}: test documents pooled (${d.test.length} documents)`);
  console.log('');
  console.log('| ranker | in-KB | accuracy | R@10 | R@64 | time (s) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const run = async (name: string, linker: LinkerInit | typeof givenOrderLinker): Promise<EvaluationReport> => {
    const l = 'kb' in linker ? new Linker(linker) : linker;
    const report = await evaluate({ docs: d.test, linker: l, mapGold: d.mapGold, topK: 64, skipInvalid: true, ...(d.candidatesFor === undefined ? {} : { candidatesFor: d.candidatesFor }) });
    const m = report.metrics;
    console.log(`| ${name} | ${m.inKb} | ${pct(m.accuracy)} | ${pct(m['recall@10'])} | ${pct(m['recall@64'])} | ${report.seconds.toFixed(1)} |`);
    return report;
  };
  if (d.candidatesFor !== undefined) await run('first sense (given order)', givenOrderLinker);
  await run('hand-set v1 (previous)', { kb: d.kb, encoder, rankerWeights: HAND_SET_RANKER_WEIGHTS, ...d.init });
  const seedName = (w: RankerWeights): string => w.source?.replace('bench/trainRanker.ts ', '') ?? '';
  const accs: number[] = [];
  for (const w of trained) accs.push((await run(`trained, ${seedName(w)}`, { kb: d.kb, encoder, rankerWeights: w, ...d.init })).metrics.accuracy ?? 0);
  console.log(meanRow('trained', accs));
  const learned = { version: 1 as const, memory: memory.toJSON(), decisions: memory.size };
  const withMemory: number[] = [];
  for (const w of trained) {
    const r = await run(`trained + memory of the training decisions, ${seedName(w)}`, { kb: d.kb, encoder, rankerWeights: w, learned, ...d.init });
    withMemory.push(r.metrics.accuracy ?? 0);
  }
  console.log(meanRow('trained + memory', withMemory));
}

function meanRow(name: string, accs: readonly number[]): string {
  const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
  const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
  return `| ${name}, mean ± sd over ${accs.length} seeds | | **${(100 * mean).toFixed(2)} ± ${(100 * sd).toFixed(2)}** | | | |`;
}

async function writeDefaults(w: RankerWeights, examples: readonly { domain: string; ex: readonly RankingExample[] }[]): Promise<void> {
  const weights = Object.fromEntries(FEATURE_NAMES.map((n) => [n, w.weights[n] ?? 0]));
  const text = `import type { RankerWeights } from './ranker';

/**
 * The ranker weights a model folder without ranker.json gets. GENERATED by bench/trainRanker.ts --write (seed 1;
 * do not edit by hand): listwise softmax cross-entropy over the retrieved candidates plus random KB negatives,
 * from the hand-set version-1 weights, on elevant oke-2015-train + oke-2016-train (wiki11k) and WSD
 * semeval2013 + semeval2015 + senseval3 (WordNet); ${examples.map((e) => `${e.ex.length} ${e.domain} examples`).join(', ')}.
 * Never report quality on those documents (docs/BENCHMARKS.md uses the others).
 */
export const DEFAULT_RANKER_WEIGHTS: RankerWeights = {
  version: 2,
  weights: ${JSON.stringify(weights, null, 2).replace(/\n/g, '\n  ').replace(/"(\w+)":/g, '$1:')},
  source: 'defaults (bench/trainRanker.ts, seed 1)',
};
`;
  await writeFile(OUT_FILE, text);
  console.log(`wrote ${path.relative(ROOT, OUT_FILE)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
