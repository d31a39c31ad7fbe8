/**
 * Offline comparison of ranker kinds (linear, residual MLP, seed ensembles) on the feature rows dumped by
 * `node out/bench/rankerErrors.js --dump` (.cache/bench/ranker-features.json), with the same trainer and loss as
 * bench/trainRanker.ts. Choices are made by 4-fold cross-validation over the TRAINING documents only (each
 * fold's documents are scored by a ranker fitted on the other three; only their zero-shot examples are scored,
 * as the test mentions are linked zero-shot); `--test` then trains on all training
 * examples and reports the held-out mentions once (3 seeds), as the linker scored them (gold spans, every
 * candidate; a retrieval miss counts wrong). Approximate: the linker also recomputes coherence with the new
 * ranker's confident predictions and keeps its top 64; bench/trainRanker.ts measures the real thing.
 *
 *   node out/bench/rankerModels.js [--test] [--configs=linear,mlp8,...] [--seeds=1,2,3] [--file=DUMP]
 */
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { RankingExample } from '../src/core/learning/rankerTrainer';
import { FEATURE_NAMES, compileRanker, compiledScore } from '../src/core/linker/ranker';
import type { FeatureName, KbKind, RankerWeights } from '../src/core/linker/ranker';
import { rankerForKind } from '../src/core/linker/rankerProfiles';
import { CACHE } from './benchData';
import { fitRecipe } from './rankerDomains';
import type { RankerRecipe } from './rankerDomains';

interface DumpedExample extends RankingExample {
  readonly mention: { readonly start: number; readonly end: number; readonly source?: { readonly file: string; readonly line: number; readonly record?: string } };
}

interface Dumped {
  readonly features: readonly string[];
  readonly domains: Record<string, { train: DumpedExample[]; test: { features: number[][]; gold: number }[] }>;
}

const FOLDS = 4;

/** Per training example: its document's fold and whether it is the zero-shot one (the first of its mention). */
function folds(train: readonly DumpedExample[]): { fold: number; zeroShot: boolean }[] {
  const docs = new Map<string, number>();
  const seen = new Set<string>();
  return train.map((e) => {
    const src = e.mention.source;
    // elevant: one document per line; WSD: the record's document part ("d003" of "d003.s001.t010").
    const doc = `${src?.file ?? ''}:${src?.record?.split('.')[0] ?? src?.line ?? ''}`;
    if (!docs.has(doc)) docs.set(doc, docs.size);
    const key = `${doc}:${e.mention.start}:${e.mention.end}`;
    const zeroShot = !seen.has(key);
    seen.add(key);
    return { fold: (docs.get(doc) ?? 0) % FOLDS, zeroShot };
  });
}

const argv = process.argv.slice(2);
const TEST = argv.includes('--test');
const SEEDS = (argv.find((a) => a.startsWith('--seeds='))?.slice(8) ?? '1,2,3').split(',').map(Number);
const CONFIGS = argv.find((a) => a.startsWith('--configs='))?.slice(10).split(',');
/** Another dump of the same format, e.g. .cache/bench/ranker-train-examples.json (bench/trainRanker.ts; no test part). */
const FILE = argv.find((a) => a.startsWith('--file='))?.slice(7) ?? path.join(CACHE, 'ranker-features.json');

/** A ranker kind: how to train it from the examples (both domains, equal weight). */
interface Config {
  readonly name: string;
  readonly fit: (train: readonly RankingExample[], seed: number) => RankerWeights;
  /** Features left out (their column read as 0, their weight frozen at the hand-set 0): the ranker without them. */
  readonly drop?: readonly FeatureName[];
}

const recipe = (r: RankerRecipe) => (train: readonly RankingExample[], seed: number): RankerWeights => fitRecipe(train, seed, r);

const ALL: Config[] = [
  { name: 'linear', fit: recipe({ hidden: 0, ensemble: 1 }) },
  { name: 'linear-l2-1', fit: recipe({ hidden: 0, ensemble: 1, linear: { l2: 1 } }) },
  { name: 'linear-l2-20', fit: recipe({ hidden: 0, ensemble: 1, linear: { l2: 20 } }) },
  { name: 'linear-neg32', fit: recipe({ hidden: 0, ensemble: 1, linear: { randomNegatives: 32 } }) },
  { name: 'linear-e80', fit: recipe({ hidden: 0, ensemble: 1, linear: { epochs: 80 } }) },
  { name: 'mlp4', fit: recipe({ hidden: 4, ensemble: 1 }) },
  { name: 'mlp8', fit: recipe({ hidden: 8, ensemble: 1 }) },
  { name: 'mlp8-lr01', fit: recipe({ hidden: 8, ensemble: 1, mlp: { learningRate: 0.01 } }) },
  { name: 'mlp16', fit: recipe({ hidden: 16, ensemble: 1 }) },
  { name: 'mlp8-l2-50', fit: recipe({ hidden: 8, ensemble: 1, mlp: { l2: 50 } }) },
  { name: 'ens3-mlp8', fit: recipe({ hidden: 8, ensemble: 3 }) },
  { name: 'ens3-mlp4', fit: recipe({ hidden: 4, ensemble: 3 }) },
  { name: 'ens3-linear', fit: recipe({ hidden: 0, ensemble: 3 }) },
  { name: 'profiles-joint', fit: recipe({ hidden: 0, ensemble: 1, profiles: 'joint' }) },
  { name: 'profiles-separate', fit: recipe({ hidden: 0, ensemble: 1, profiles: 'separate' }) },
  { name: 'linear-no-demonym', fit: recipe({ hidden: 0, ensemble: 1, linear: { frozen: ['demonym'] } }), drop: ['demonym'] },
  { name: 'profiles-joint-no-demonym', fit: recipe({ hidden: 0, ensemble: 1, profiles: 'joint', linear: { frozen: ['demonym'] } }), drop: ['demonym'] },
];

/** Accuracy with the profile of the mentions' KB kind (rankerForKind), as the linker scores them. */
function accuracy(w: RankerWeights, mentions: readonly { features: readonly (readonly number[])[]; gold: number }[], kind: KbKind): number {
  const m = compileRanker(rankerForKind(w, kind));
  let right = 0;
  for (const x of mentions) {
    if (x.gold < 0) continue;
    const s = x.features.map((f) => compiledScore(m, f));
    let best = 0;
    for (let i = 1; i < s.length; i++) if (s[i] > s[best]) best = i;
    if (best === x.gold) right++;
  }
  return mentions.length === 0 ? 0 : right / mentions.length;
}

/** Both domains' examples, each domain weighing the same in the loss (as bench/trainRanker.ts). */
function pooled(parts: readonly (readonly RankingExample[])[]): RankingExample[] {
  const total = parts.reduce((a, p) => a + p.length, 0);
  return parts.flatMap((p) => p.map((e) => ({ ...e, weight: total / (parts.length * p.length) })));
}

/**
 * Rows of a dump with another feature list, in FEATURE_NAMES order (by name: a feature the dump lacks is 0; one
 * it has that FEATURE_NAMES dropped is left out).
 */
function remapDump(dump: Dumped): void {
  const from = FEATURE_NAMES.map((n) => dump.features.indexOf(n));
  const remap = (rows: number[][]): void => rows.forEach((f, i) => (rows[i] = from.map((k) => (k < 0 ? 0 : f[k]))));
  for (const d of Object.values(dump.domains)) for (const e of [...d.train, ...d.test] as { features: number[][]; random?: number[][] }[]) { remap(e.features); if (e.random !== undefined) remap(e.random); }
}

function main(): void {
  const dump = JSON.parse(readFileSync(FILE, 'utf8')) as Dumped;
  remapDump(dump);
  const names = Object.keys(dump.domains);
  // WordNet's examples are senses, elevant's entities (dumps made before profiles carry no kind).
  const kindOf = (domain: string): KbKind => (domain === 'WSD' ? 'senses' : 'entities');
  const strip = (e: DumpedExample, kind: KbKind): RankingExample => ({ features: e.features, gold: e.gold, ...(e.random === undefined ? {} : { random: e.random }), profile: kind });
  const domains = names.map((n) => ({ kind: kindOf(n), train: dump.domains[n].train, folds: folds(dump.domains[n].train), test: dump.domains[n].test }));
  /** The runs: with --test one (all training examples, the held-out mentions), else one per fold. */
  const runs = (TEST ? [-1] : Array.from({ length: FOLDS }, (_, f) => f)).map((f) => ({
    fit: pooled(domains.map((d) => d.train.filter((_, i) => d.folds[i].fold !== f).map((e) => strip(e, d.kind)))),
    evals: domains.map((d) => (f < 0 ? d.test : d.train.filter((_, i) => d.folds[i].fold === f && d.folds[i].zeroShot))),
  }));
  console.log(`${TEST ? 'held-out test' : `${FOLDS}-fold cross-validation over the training documents (zero-shot examples scored)`}; ${names.map((n, i) => `${n} scored ${runs.reduce((a, r) => a + r.evals[i].length, 0)}`).join('; ')}; seeds ${SEEDS.join(', ')}`);
  console.log(`| ranker | ${names.map((n) => `${n} per seed | ${n} mean`).join(' | ')} | s |`);
  console.log(`|---|${names.map(() => '---|---:|').join('')}---:|`);
  for (const c of ALL.filter((x) => CONFIGS === undefined || CONFIGS.includes(x.name))) {
    const t = performance.now();
    const accs = names.map(() => [] as number[]);
    for (const seed of SEEDS) {
      const right = names.map(() => 0);
      const total = names.map(() => 0);
      for (const r of runs) {
        const drop = (c.drop ?? []).map((n) => FEATURE_NAMES.indexOf(n));
        const without = <E extends { features: readonly (readonly number[])[] }>(e: E): E => (drop.length === 0 ? e : { ...e, features: e.features.map((f) => f.map((x, k) => (drop.includes(k) ? 0 : x))) });
        const w = c.fit(r.fit.map((e) => ({ ...without(e), ...(e.random === undefined ? {} : { random: without({ features: e.random }).features }) })), seed);
        r.evals.forEach((ev, i) => {
          right[i] += accuracy(w, ev.map((e: { features: readonly (readonly number[])[]; gold: number }) => without(e)), domains[i].kind) * ev.length;
          total[i] += ev.length;
        });
      }
      names.forEach((_, i) => accs[i].push(right[i] / Math.max(1, total[i])));
    }
    const cells = accs.map((a) => `${a.map((x) => (100 * x).toFixed(2)).join(' / ')} | **${((100 * a.reduce((p, q) => p + q, 0)) / a.length).toFixed(2)}**`);
    console.log(`| ${c.name} | ${cells.join(' | ')} | ${((performance.now() - t) / 1000).toFixed(0)} |`);
  }
}

main();
