/**
 * WSD with the exemplar memory (src/core/learning/exemplarMemory.ts, the ranker's `exemplar` feature): train on
 * semeval2013 + semeval2015 + senseval3, test on senseval2 + semeval2007 pooled (bench/rankerDomains.ts split).
 *
 *   node out/bench/wsdExemplars.js --prepare           links the training documents of both ranker domains (elevant
 *                                                      and WSD) and caches their listwise examples, the WSD memory
 *                                                      and exemplars (.cache/bench/wsd-exemplars.json)
 *   node out/bench/wsdExemplars.js --measure=ROWS [--seeds=1,2,3] [--wsd-only]
 *   add --no-memory to both: the annotating pass (and so the trained weights) sees the exemplars without the
 *   annotator memory (no confirmed names, prior or type agreement); pair it with the exemplars-only row
 *
 * The examples are bench/rankerDomains.ts domainExamples: each training mention linked zero-shot and "while
 * annotating" with the memory and the exemplars of the EARLIER training documents only (cross-fitted: a mention
 * never meets its own vector). The ranker is trained with the shipped recipe (fitRecipe, linear, both domains
 * weighing the same; --profiles=none|joint|separate overrides its profiles per KB kind; --wsd-only: the WSD examples alone), once with the `exemplar` column as linked and once with
 * it zeroed (the same ranker without the signal), per seed. The test documents are linked with the learned state
 * of all training documents: the annotator memory (names, prior) and the exemplars.
 * ROWS (comma-separated): base = first sense, the shipped weights alone and with the memory; ablation = trained
 * without the signal + memory; exemplar = trained with it + memory + exemplars; exemplars-only = trained with it,
 * linked with the exemplars and no annotator memory; shipped-exemplars = the shipped weights (DEFAULT_RANKER_WEIGHTS,
 * whatever exemplar weight they carry) with memory + exemplars and with the exemplars alone. Heavy: run under flock /tmp/heavy.lock.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate } from '../src/core/eval/evaluate';
import { AnnotatorMemory } from '../src/core/learning/annotatorMemory';
import type { AnnotatorMemoryJson } from '../src/core/learning/annotatorMemory';
import type { ExemplarMemoryJson } from '../src/core/learning/exemplarMemory';
import type { LearnedState } from '../src/core/learning/learnedState';
import type { RankingExample } from '../src/core/learning/rankerTrainer';
import { Linker } from '../src/core/linker/linker';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES } from '../src/core/linker/ranker';
import type { RankerWeights } from '../src/core/linker/ranker';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { CACHE, DATA, ROOT, secs } from './benchData';
import { MemoEncoder, givenOrderLinker } from './qualityLinkers';
import { SHIPPED_RECIPE, domainExamples, elevantDomain, fitRecipe, wsdDomain } from './rankerDomains';
import type { RankerRecipe } from './rankerDomains';

const argv = process.argv.slice(2);
const PREPARE = argv.includes('--prepare');
const ROWS = argv.find((a) => a.startsWith('--measure='))?.slice('--measure='.length).split(',') ?? [];
const SEEDS = (argv.find((a) => a.startsWith('--seeds='))?.slice('--seeds='.length) ?? '1,2,3').split(',').map(Number);
const WSD_ONLY = argv.includes('--wsd-only');
/** --no-memory: the training examples' annotating pass and the test state have the exemplars without the annotator memory. */
const NO_MEMORY = argv.includes('--no-memory');
/** --profiles=none|joint|separate: the ranker recipe's profiles per KB kind (bench/rankerDomains.ts fitRecipe); default the shipped recipe's. */
const PROFILES = (argv.find((a) => a.startsWith('--profiles='))?.slice('--profiles='.length) ?? SHIPPED_RECIPE.profiles ?? 'none') as 'none' | 'joint' | 'separate';
const RECIPE: RankerRecipe = { ...SHIPPED_RECIPE, profiles: PROFILES };
const FILE = path.join(CACHE, NO_MEMORY ? 'wsd-exemplars-no-memory.json' : 'wsd-exemplars.json');
const EXEMPLAR = FEATURE_NAMES.indexOf('exemplar');

interface Prepared {
  readonly features: readonly string[];
  readonly domains: Record<string, RankingExample[]>;
  readonly memory: AnnotatorMemoryJson;
  readonly exemplars: ExemplarMemoryJson;
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`wsdExemplars: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  const t0 = performance.now();
  const opened = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  const encoder = new MemoEncoder(opened.encoder);
  console.log(`# WSD with exemplars (bench/wsdExemplars.ts ${argv.join(' ')})`);
  console.log(`${new Date().toISOString()}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}.`);
  try {
    if (PREPARE) await prepare(encoder);
    if (ROWS.length > 0) await measure(encoder);
  } finally {
    await opened.encoder.dispose();
  }
  console.log(`Total ${secs(performance.now() - t0)} s.`);
}

async function prepare(encoder: MemoEncoder): Promise<void> {
  const domains: Record<string, RankingExample[]> = {};
  let wsd: { memory: AnnotatorMemory; exemplars: ExemplarMemoryJson } | undefined;
  for (const d of [await elevantDomain(encoder), await wsdDomain(encoder)]) {
    const t = performance.now();
    const { ex, memory, exemplars } = await domainExamples(d, encoder, { memory: !NO_MEMORY });
    domains[d.name] = ex.map(({ features, gold, random, profile }) => ({ features, gold, ...(random === undefined ? {} : { random }), ...(profile === undefined ? {} : { profile }) }));
    const withExemplar = ex.filter((e) => e.features.some((f) => f[EXEMPLAR] !== 0)).length;
    console.log(`${d.name}: ${ex.length} examples (${withExemplar} with a candidate that has exemplars), ${exemplars.size} entities with exemplars, in ${secs(performance.now() - t)} s`);
    if (d.name === 'WSD') wsd = { memory, exemplars: exemplars.toJSON() };
  }
  if (wsd === undefined) throw new Error('no WSD domain');
  const out: Prepared = { features: FEATURE_NAMES, domains, memory: wsd.memory.toJSON(), exemplars: wsd.exemplars };
  await mkdir(CACHE, { recursive: true });
  await writeFile(FILE, JSON.stringify(out));
  console.log(`cached in ${path.relative(ROOT, FILE)}`);
}

/** The examples with the `exemplar` column zeroed: the ranker without the signal. */
function withoutExemplar(ex: readonly RankingExample[]): RankingExample[] {
  const zero = (rows: readonly (readonly number[])[]): number[][] => rows.map((f) => f.map((x, k) => (k === EXEMPLAR ? 0 : x)));
  return ex.map((e) => ({ ...e, features: zero(e.features), ...(e.random === undefined ? {} : { random: zero(e.random) }) }));
}

async function measure(encoder: MemoEncoder): Promise<void> {
  const prepared = JSON.parse(await readFile(FILE, 'utf8')) as Prepared;
  if (prepared.features.join() !== FEATURE_NAMES.join()) throw new Error(`${FILE} was made with other features; run --prepare again.`);
  const names = WSD_ONLY ? ['WSD'] : Object.keys(prepared.domains);
  const total = names.reduce((a, n) => a + prepared.domains[n].length, 0);
  // Both domains weigh the same in the loss (as bench/trainRanker.ts).
  const all = names.flatMap((n) => prepared.domains[n].map((e) => ({ ...e, weight: total / (names.length * prepared.domains[n].length) })));
  const d = await wsdDomain(encoder);
  const memoryOnly: LearnedState = { version: 1, memory: prepared.memory, decisions: AnnotatorMemory.fromJSON(prepared.memory).size };
  const full: LearnedState = { ...memoryOnly, exemplars: prepared.exemplars };
  console.log('');
  console.log(`Test: ${d.test.length} documents; training state: ${memoryOnly.decisions} decisions, ${Object.keys(prepared.exemplars.entities).length} senses with exemplars; training on ${names.join(' + ')} (${all.length} examples); recipe ${JSON.stringify(RECIPE)}.`);
  console.log('');
  console.log('| row | in KB | accuracy | time (s) |');
  console.log('|---|---:|---:|---:|');
  const run = async (name: string, linker: Linker | typeof givenOrderLinker): Promise<number> => {
    const report = await evaluate({ docs: d.test, linker, mapGold: d.mapGold, topK: 64, skipInvalid: true, ...(d.candidatesFor === undefined ? {} : { candidatesFor: d.candidatesFor }) });
    const per = report.perCollection.map((c) => `${c.key} ${(100 * (c.accuracy ?? 0)).toFixed(2)}`).join(', ');
    console.log(`| ${name} (${per}) | ${report.metrics.inKb} | ${(100 * (report.metrics.accuracy ?? 0)).toFixed(2)} | ${report.seconds.toFixed(1)} |`);
    return report.metrics.accuracy ?? 0;
  };
  const linker = (weights: RankerWeights, learned?: LearnedState): Linker => new Linker({ kb: d.kb, encoder, rankerWeights: weights, ...(learned === undefined ? {} : { learned }), ...d.init });
  // The exemplars without the annotator memory (no confirmed names, prior or type agreement from the training documents).
  const exemplarsOnly: LearnedState = { version: 1, memory: new AnnotatorMemory().toJSON(), exemplars: prepared.exemplars, decisions: memoryOnly.decisions };
  if (ROWS.includes('shipped-exemplars')) {
    await run('shipped weights + memory + exemplars of the training decisions', linker(DEFAULT_RANKER_WEIGHTS, full));
    await run('shipped weights + exemplars of the training decisions (no memory)', linker(DEFAULT_RANKER_WEIGHTS, exemplarsOnly));
  }
  if (ROWS.includes('base')) {
    await run('first sense (given order)', givenOrderLinker);
    await run('shipped weights', linker(DEFAULT_RANKER_WEIGHTS));
    await run('shipped weights + memory of the training decisions', linker(DEFAULT_RANKER_WEIGHTS, memoryOnly));
  }
  for (const [row, examples, state] of [
    ['ablation', withoutExemplar(all), memoryOnly],
    ['exemplar', all, full],
    ['exemplars-only', all, exemplarsOnly],
  ] as const) {
    if (!ROWS.includes(row)) continue;
    const accs: number[] = [];
    for (const seed of SEEDS) {
      const w = fitRecipe(examples, seed, RECIPE);
      const senses = w.profiles?.senses?.weights.exemplar;
      console.log(`<!-- ${row} seed ${seed}: exemplar weight ${(w.weights.exemplar ?? 0).toFixed(3)}${senses === undefined ? '' : `, senses profile ${senses.toFixed(3)}`}; ${JSON.stringify(w.weights)} -->`);
      const what = { ablation: 'trained without `exemplar` + memory', exemplar: 'trained with `exemplar` + memory + exemplars', 'exemplars-only': 'trained with `exemplar` + exemplars, no memory' }[row];
      accs.push(await run(`${what}, seed ${seed}`, linker(w, state)));
    }
    const mean = accs.reduce((a, b) => a + b, 0) / accs.length;
    const sd = Math.sqrt(accs.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, accs.length - 1));
    console.log(`| ${row}: mean ± sd over ${accs.length} seeds | | **${(100 * mean).toFixed(2)} ± ${(100 * sd).toFixed(2)}** | |`);
  }
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
