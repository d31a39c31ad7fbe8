/**
 * Trains the shipped ranker weights (src/core/linker/defaultRankerWeights.ts) and measures them on held-out data.
 *
 *   node out/bench/trainRanker.js [--write] [--seeds=1,2,3] [--quick] [--train-only] [--from-cache] [--hidden=N] [--ensemble=K]
 *   node out/bench/trainRanker.js --measure=elevant|WSD [--only=previous,1,2,3]
 *   add --larger-split to both: elevant trains on oke-2015-eval too and tests on the six other files
 *   add --profiles=joint|separate to train weights per KB kind (ranker.json version 4; rankerDomains fitRecipe)
 *   --drop=f1,f2 trains without those features (their columns read 0, weights frozen at 0); --tag=NAME names the
 *   seeds "NAME seed N" (--only=NAME-N) and --append adds them to the saved seeds of the same split, so that
 *   variants are measured side by side in one --measure run
 *   --sense-names (the default since session 7; --no-sense-names leaves them out) adds the WSD training nouns linked as the built-in WordNet KB links a name (retrieved candidates,
 *   the lemma's senses without their given order, random synsets of other lemmas: bench/rankerDomains.ts
 *   senseNameExamples) as a third domain 'WSD names', so the senses profile learns to read names (they train
 *   that profile only: they weigh 0 in the joint fit, so the entities profile is unchanged; in the senses
 *   profile each weighs --sense-names-weight=F, default 1, against 1 for a WSD example); with
 *   --from-cache it takes that domain from the cache (which a run with --sense-names wrote), else leaves it out
 *   --names-profile=retrievedSenses|senses: the profile the 'WSD names' examples train (default retrievedSenses,
 *   the profile of synsets retrieved for a name; senses: session 7's recipe, one profile with the WSD examples)
 *   --senses-no-memory trains the senses profile on the WSD examples annotated with the exemplars alone (below)
 *   --also-without=f1,f2 adds a copy of every training example that reads one of them with those features 0 (the
 *   example as linked without that memory, e.g. no exemplars: the editor's decisions do not carry mention vectors
 *   yet), so the weights also fit the case where the feature is missing
 *
 * --from-cache trains on the training examples the last full run kept (.cache/bench/ranker-train-examples.json)
 * instead of linking the training documents again (implies --train-only).
 * --train-only stops after training (and --write), keeping the seeds' weights and the weights shipped before
 * the run in .cache/bench/ranker-seeds.json; --measure=DOMAIN then measures those on one test set (so that a
 * run on a shared machine is short): the weights shipped before (the previous code's) and each seed's.
 *
 * Split: bench/rankerDomains.ts (train elevant oke-*-train + WSD semeval2013/2015 + senseval3; test the rest).
 * Each training mention gives two listwise examples: as linked zero-shot, and as linked while annotating (the
 * other gold decisions of its document as the document context, the gold decisions of the earlier training
 * documents as the annotator memory), so the weights of the decision-based features are learned too. Elevant
 * examples carry 32 random wiki11k entities as random negatives (16 drawn per epoch); the two domains weigh
 * the same in the loss. The features are computed with the hand-set version-1 weights (coherence then reads
 * their confident predictions). --write stores the seed-1 weights as the shipped default.
 * The kind trained is RECIPE (bench/rankerDomains.ts fitRecipe; chosen by cross-validation on the training
 * documents with bench/rankerModels.ts): --hidden=N hidden units on top of the linear ranker (0: linear),
 * --ensemble=K the average of K fits per seed.
 * The measurement compares, in the same run, the hand-set version-1 weights (the previous code) with the
 * weights of each seed, through the same linker code (gold spans, 64 candidates, in-KB accuracy).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate } from '../src/core/eval/evaluate';
import type { EvaluationReport } from '../src/core/eval/evaluate';
import { AnnotatorMemory } from '../src/core/learning/annotatorMemory';
import { refitRanker } from '../src/core/learning/onlineLearner';
import { rankingLoss } from '../src/core/learning/rankerTrainer';
import type { RankingExample } from '../src/core/learning/rankerTrainer';
import { Linker } from '../src/core/linker/linker';
import type { LinkerInit } from '../src/core/linker/linker';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, HAND_SET_RANKER_WEIGHTS, KB_KINDS, compileRanker, serializeRankerWeights } from '../src/core/linker/ranker';
import type { FeatureName, KbKind, RankerWeights } from '../src/core/linker/ranker';
import { rankerForKind } from '../src/core/linker/rankerProfiles';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { CACHE, DATA, ROOT, secs } from './benchData';
import { MemoEncoder, givenOrderLinker } from './qualityLinkers';
import { pct } from './qualityTables';
import { ELEVANT_TRAIN, ELEVANT_TRAIN_LARGER, SENSES_NO_MEMORY_DOMAIN, SENSE_NAMES_DOMAIN, SHIPPED_RECIPE, domainExamples, elevantDomain, fitRecipe, senseNameExamples, wsdDomain } from './rankerDomains';
import type { Domain, RankerRecipe } from './rankerDomains';

const argv = process.argv.slice(2);
const WRITE = argv.includes('--write');
const QUICK = argv.includes('--quick');
const seedArg = argv.find((a) => a.startsWith('--seeds='));
const SEEDS = seedArg === undefined ? [1, 2, 3] : seedArg.slice('--seeds='.length).split(',').map(Number);
const TRAIN_ONLY = argv.includes('--train-only');
const MEASURE = argv.find((a) => a.startsWith('--measure='))?.slice('--measure='.length);
/** With --measure: the rows to run ("previous" and seed numbers), to split a long measurement into short runs. */
const ONLY = argv.find((a) => a.startsWith('--only='))?.slice('--only='.length).split(',');
const DROP = (argv.find((a) => a.startsWith('--drop='))?.slice('--drop='.length).split(',') ?? []) as FeatureName[];
const TAG = argv.find((a) => a.startsWith('--tag='))?.slice('--tag='.length);
const APPEND = argv.includes('--append');
/** On by default since session 7 (the shipped senses profile reads names); --no-sense-names leaves them out. */
const SENSE_NAMES = !argv.includes('--no-sense-names');
/**
 * The profile the 'WSD names' examples train: retrievedSenses (default since session 8: the profile of synsets
 * the linker retrieved for a name, apart from a given sense list's) or senses (`--names-profile=senses`, session
 * 7's shipped recipe: one senses profile for both, which costs WSD with exemplars).
 */
const NAMES_PROFILE = (argv.find((a) => a.startsWith('--names-profile='))?.slice('--names-profile='.length) ?? 'retrievedSenses') as KbKind;
if (!['senses', 'retrievedSenses'].includes(NAMES_PROFILE)) throw new Error(`--names-profile=${NAMES_PROFILE}: expected senses or retrievedSenses.`);
/**
 * --senses-no-memory: the senses profile (given sense lists) is trained on the WSD examples whose annotating pass
 * had the earlier documents' exemplars alone, without the annotator memory and the document's other gold decisions
 * (domain 'WSD exemplars only'), the state `finetune --learn exemplars` and zero-shot eval give it; the WSD examples as before (with the memory) train the joint fit only,
 * so the joint fit and the entities profile are unchanged. With --from-cache a cache without that domain gets it
 * (the WSD training documents are linked once more and the domain added to the cache).
 */
const SENSES_NO_MEMORY = argv.includes('--senses-no-memory');
/** Default: the shipped recipe's (SHIPPED_RECIPE.alsoWithout); `--also-without=` (empty) for none. */
const ALSO_WITHOUT = (argv.find((a) => a.startsWith('--also-without='))?.slice('--also-without='.length).split(',').filter((f) => f !== '') ?? SHIPPED_RECIPE.alsoWithout ?? []) as FeatureName[];
/** A saved seed's --only key: "1" for "seed 1", "NAME-1" for a tagged "NAME seed 1". */
const onlyKey = (w: RankerWeights): string => (w.source ?? '').replace('bench/trainRanker.ts ', '').replace(/^seed /, '').replace(/ seed /, '-');
const intArg = (name: string, fallback: number): number => Number(argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3) ?? fallback);
/** The shipped recipe (see the header); the flags override it for an experiment. */
const PROFILES = argv.find((a) => a.startsWith('--profiles='))?.slice('--profiles='.length);
if (PROFILES !== undefined && !['none', 'joint', 'separate'].includes(PROFILES)) throw new Error(`--profiles=${PROFILES}: expected none, joint or separate.`);
const RECIPE: RankerRecipe = {
  ...SHIPPED_RECIPE,
  ...(DROP.length === 0 ? {} : { linear: { ...SHIPPED_RECIPE.linear, frozen: DROP } }),
  hidden: intArg('hidden', SHIPPED_RECIPE.hidden),
  ensemble: intArg('ensemble', SHIPPED_RECIPE.ensemble),
  profiles: (PROFILES as RankerRecipe['profiles']) ?? SHIPPED_RECIPE.profiles ?? 'none',
  ...(argv.some((a) => a.startsWith('--sense-names-weight=')) ? { profileOnlyWeight: intArg('sense-names-weight', 1) } : {}),
};
const OUT_FILE = path.join(ROOT, 'src/core/linker/defaultRankerWeights.ts');
/** --larger-split: elevant trains on oke-2015-eval as well (bench/rankerDomains.ts ELEVANT_TRAIN_LARGER). */
const LARGER = argv.includes('--larger-split');
/** Each split keeps its own seeds and examples, so both can be measured from cache. */
const SEEDS_FILE = path.join(CACHE, LARGER ? 'ranker-seeds-larger.json' : 'ranker-seeds.json');
/** The training examples of the last full run (--from-cache trains on them without linking anything). */
const EXAMPLES_FILE = path.join(CACHE, LARGER ? 'ranker-train-examples-larger.json' : 'ranker-train-examples.json');
const FROM_CACHE = argv.includes('--from-cache');
const ELEVANT_FILES = LARGER ? ELEVANT_TRAIN_LARGER : ELEVANT_TRAIN;
/**
 * The split the cached examples were made on: a file without it (or with another) was made before the training
 * documents that are test documents were left out (bench/rankerDomains.ts), or on the other split, so
 * --from-cache refuses it.
 */
const EXAMPLES_SPLIT = LARGER ? 'leak-free larger (oke-2015-eval trains)' : 'leak-free 1';

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
    if (MEASURE !== undefined) {
      const saved = JSON.parse(await readFile(SEEDS_FILE, 'utf8')) as { split?: string; previous: RankerWeights; trained: RankerWeights[] };
      // Seeds trained on the larger split have seen oke-2015-eval: never measure them on the other split's test files.
      if ((saved.split ?? 'leak-free 1') !== EXAMPLES_SPLIT) throw new Error(`${SEEDS_FILE} was trained on another split (${saved.split ?? 'leak-free 1'}); train again with the same --larger-split setting.`);
      const d = MEASURE === 'WSD' ? await wsdDomain(encoder, QUICK) : await elevantDomain(encoder, QUICK, ELEVANT_FILES);
      const trained = saved.trained.filter((w) => ONLY === undefined || ONLY.includes(onlyKey(w)));
      await measure(d, encoder, trained, undefined, ONLY === undefined || ONLY.includes('previous') ? saved.previous : undefined);
      return;
    }
    const domains = FROM_CACHE ? [] : [await elevantDomain(encoder, QUICK, ELEVANT_FILES), await wsdDomain(encoder, QUICK)];
    const examples: { domain: string; ex: RankingExample[] }[] = [];
    const memories = new Map<string, AnnotatorMemory>();
    for (const d of domains) {
      const t = performance.now();
      const { ex, memory } = await domainExamples(d, encoder);
      examples.push({ domain: d.name, ex });
      memories.set(d.name, memory);
      console.log(`${d.name}: ${d.train.length} training documents, ${ex.length} examples (two per in-KB mention whose gold was scored) in ${secs(performance.now() - t)} s`);
      if (SENSE_NAMES && d.senseIndex !== undefined) {
        const t2 = performance.now();
        const names = (await senseNameExamples(d, encoder)).map((e) => ({ ...e, profile: NAMES_PROFILE }));
        examples.push({ domain: SENSE_NAMES_DOMAIN, ex: names });
        console.log(`${SENSE_NAMES_DOMAIN}: ${names.length} examples (one per training noun, retrieved candidates + the lemma's senses, ${d.senseIndex.rows.length} synsets indexed) in ${secs(performance.now() - t2)} s`);
      }
      if (SENSES_NO_MEMORY && d.name === 'WSD') examples.push(await sensesNoMemory(d, encoder));
    }
    if (FROM_CACHE) {
      const cached = JSON.parse(await readFile(EXAMPLES_FILE, 'utf8')) as { split?: string; features: string[]; domains: Record<string, { train: RankingExample[] }> };
      if (cached.split !== EXAMPLES_SPLIT) throw new Error(`${EXAMPLES_FILE} was made on another split (${cached.split ?? 'before training documents equal to test documents were left out'}); run without --from-cache.`);
      // By feature name: a feature this build dropped is left out (one it added must be in the file).
      const from = FEATURE_NAMES.map((n) => cached.features.indexOf(n));
      if (from.some((k) => k < 0)) throw new Error(`${EXAMPLES_FILE} lacks features of this build; run without --from-cache.`);
      const rows = (fs: readonly (readonly number[])[]): number[][] => fs.map((f) => from.map((k) => f[k]));
      // Caches made before profiles carry no kind: WordNet's examples are senses, elevant's entities; the names
      // domain's are retrieved synsets (caches of session 7 called them senses).
      const kindOf = (domain: string): KbKind => (domain === 'WSD' ? 'senses' : 'entities');
      for (const [domain, { train }] of Object.entries(cached.domains)) {
        if ((domain === SENSE_NAMES_DOMAIN && !SENSE_NAMES) || (domain === SENSES_NO_MEMORY_DOMAIN && !SENSES_NO_MEMORY)) continue;
        const profileOf = (e: RankingExample): KbKind => (domain === SENSE_NAMES_DOMAIN ? NAMES_PROFILE : (e.profile ?? kindOf(domain)));
        examples.push({ domain, ex: train.map((e) => ({ ...e, features: rows(e.features), ...(e.random === undefined ? {} : { random: rows(e.random) }), profile: profileOf(e) })) });
      }
      console.log(`training examples from ${path.relative(ROOT, EXAMPLES_FILE)}: ${examples.map((e) => `${e.ex.length} ${e.domain}`).join(', ')}`);
      if (SENSE_NAMES && !examples.some((e) => e.domain === SENSE_NAMES_DOMAIN)) throw new Error(`${EXAMPLES_FILE} has no '${SENSE_NAMES_DOMAIN}' examples; run once without --from-cache.`);
      if (SENSES_NO_MEMORY && !examples.some((e) => e.domain === SENSES_NO_MEMORY_DOMAIN)) {
        if (cached.features.join() !== FEATURE_NAMES.join()) throw new Error(`${EXAMPLES_FILE} has other features than this build; run without --from-cache.`);
        const added = await sensesNoMemory(await wsdDomain(encoder, QUICK), encoder);
        examples.push(added);
        await writeFile(EXAMPLES_FILE, JSON.stringify({ ...cached, domains: { ...cached.domains, [SENSES_NO_MEMORY_DOMAIN]: { train: added.ex, test: [] } } }));
        console.log(`added '${SENSES_NO_MEMORY_DOMAIN}' to ${path.relative(ROOT, EXAMPLES_FILE)}`);
      }
    } else if (!QUICK) {
      // The same format as rankerErrors.js --dump (no test part), for bench/rankerModels.ts --file.
      await mkdir(CACHE, { recursive: true });
      await writeFile(EXAMPLES_FILE, JSON.stringify({ split: EXAMPLES_SPLIT, features: FEATURE_NAMES, domains: Object.fromEntries(examples.map((e) => [e.domain, { train: e.ex, test: [] }])) }));
    }
    // Both domains weigh the same in the loss.
    const without = ALSO_WITHOUT.map((n) => FEATURE_NAMES.indexOf(n));
    if (without.some((k) => k < 0)) throw new Error(`--also-without=${ALSO_WITHOUT.join(',')}: not all are features.`);
    if (without.length > 0) {
      const reads = (e: RankingExample): boolean => e.features.some((f) => without.some((k) => f[k] !== 0));
      const blank = (rows: readonly (readonly number[])[]): number[][] => rows.map((f) => f.map((x, k) => (without.includes(k) ? 0 : x)));
      for (const e of examples) {
        const copies = e.ex.filter(reads).map((x) => ({ ...x, features: blank(x.features), ...(x.random === undefined ? {} : { random: blank(x.random) }) }));
        console.log(`${e.domain}: ${copies.length} examples read ${ALSO_WITHOUT.join(', ')}; added a copy of each without`);
        e.ex = [...e.ex, ...copies];
      }
    }
    const dropped = DROP.map((n) => FEATURE_NAMES.indexOf(n));
    if (dropped.some((k) => k < 0)) throw new Error(`--drop=${DROP.join(',')}: not all are features (${FEATURE_NAMES.join(', ')}).`);
    const zero = (rows: readonly (readonly number[])[]): number[][] => rows.map((f) => f.map((x, k) => (dropped.includes(k) ? 0 : x)));
    // The 'WSD names' examples weigh 0: they train the senses profile, not the joint fit (fitRecipe), which then
    // stays what the two domains make it (and with it the entities profile).
    // Likewise the 'WSD without memory' examples (--senses-no-memory) train the senses profile alone, and the WSD
    // examples with the memory then the joint fit alone (no profile).
    const profileOnly = (domain: string): boolean => domain === SENSE_NAMES_DOMAIN || domain === SENSES_NO_MEMORY_DOMAIN;
    const jointOnly = (domain: string): boolean => SENSES_NO_MEMORY && domain === 'WSD';
    const weighed = examples.filter((e) => !profileOnly(e.domain));
    const weighedTotal = weighed.reduce((a, e) => a + e.ex.length, 0);
    const all = examples.flatMap(({ domain, ex }) =>
      ex.map(({ profile, ...e }) => ({
        ...e,
        features: zero(e.features),
        ...(e.random === undefined ? {} : { random: zero(e.random) }),
        weight: profileOnly(domain) ? 0 : weighedTotal / (weighed.length * ex.length),
        ...(jointOnly(domain) || profile === undefined ? {} : { profile }),
      })),
    );
    const trained: RankerWeights[] = [];
    console.log(`recipe: ${RECIPE.hidden === 0 ? 'linear' : `residual MLP, ${RECIPE.hidden} hidden units`}${RECIPE.ensemble > 1 ? `, average of ${RECIPE.ensemble} fits per seed` : ''}; profiles per KB kind: ${RECIPE.profiles}`);
    for (const seed of SEEDS) {
      const t = performance.now();
      const w = fitRecipe(all, seed, RECIPE);
      trained.push({ ...w, source: `bench/trainRanker.ts ${TAG === undefined ? '' : `${TAG} `}seed ${seed}` });
      // Each example scored with its kind's profile, as the linker scores it.
      const weightOf = (ex: readonly RankingExample[]): number => ex.reduce((a, e) => a + (e.weight ?? 1), 0);
      const ofKind = (k: KbKind): RankingExample[] => all.filter((e) => e.profile === k);
      const loss = (x: RankerWeights): string => (KB_KINDS.reduce((a, k) => a + rankingLoss(ofKind(k), compileRanker(rankerForKind(x, k))) * weightOf(ofKind(k)), 0) / weightOf(all)).toFixed(3);
      console.log(`seed ${seed}: loss ${loss(HAND_SET_RANKER_WEIGHTS)} -> ${loss(w)} in ${(performance.now() - t).toFixed(0)} ms; linear ${JSON.stringify(w.weights)}; ${w.hidden?.length ?? 0} hidden units`);
      for (const [kind, p] of Object.entries(w.profiles ?? {})) console.log(`  profile ${kind}: ${JSON.stringify(p.weights)}`);
    }
    await refitTiming(all, trained[0]);
    await mkdir(CACHE, { recursive: true });
    const kept = APPEND && existsSync(SEEDS_FILE) ? (JSON.parse(await readFile(SEEDS_FILE, 'utf8')) as { split?: string; trained: RankerWeights[] }) : undefined;
    const earlier = kept?.split === EXAMPLES_SPLIT ? kept.trained.filter((w) => !trained.some((t) => t.source === w.source)) : [];
    await writeFile(SEEDS_FILE, JSON.stringify({ split: EXAMPLES_SPLIT, previous: DEFAULT_RANKER_WEIGHTS, trained: [...earlier, ...trained] }));
    if (!TRAIN_ONLY && !FROM_CACHE) for (const d of domains) await measure(d, encoder, trained, memories.get(d.name) ?? new AnnotatorMemory());
    if (WRITE && !QUICK) await writeDefaults(trained[0], examples);
  } finally {
    await opened.encoder.dispose();
  }
  console.log('');
  console.log(`Total ${secs(performance.now() - t0)} s.`);
}

/** The WSD training documents' examples with the exemplars alone in the annotating pass (--senses-no-memory). */
async function sensesNoMemory(d: Domain, encoder: MemoEncoder): Promise<{ domain: string; ex: RankingExample[] }> {
  const t = performance.now();
  const { ex } = await domainExamples(d, encoder, { memory: false, context: false });
  console.log(`${SENSES_NO_MEMORY_DOMAIN}: ${ex.length} examples (the annotating pass with the earlier documents' exemplars, no annotator memory, no document context) in ${secs(performance.now() - t)} s`);
  return { domain: SENSES_NO_MEMORY_DOMAIN, ex };
}

/** One refit of the trained kind on 1,000 decisions (the issue's bound: < 1 s), as OnlineLearner.refit runs it. */
async function refitTiming(all: readonly RankingExample[], base: RankerWeights): Promise<void> {
  const sample = all.filter((_, i) => i % Math.max(1, Math.floor(all.length / 1000)) === 0).slice(0, 1000).map(({ features, gold }) => ({ features, gold }));
  const times: number[] = [];
  for (let i = 0; i < 3; i++) times.push(refitRanker(sample, base, { seed: i + 1 }).ms);
  const cands = sample.reduce((a, e) => a + e.features.length, 0) / sample.length;
  console.log(`OnlineLearner.refit on ${sample.length} decisions (${cands.toFixed(1)} candidates each, ${FEATURE_NAMES.length} features, ${base.hidden?.length ?? 0} hidden units): ${times.map((t) => t.toFixed(0)).join(', ')} ms`);
}

/**
 * Held-out accuracy: the previous weights, each seed's, and each seed's with the annotator memory of the
 * training documents' gold decisions (what fine-tuning folds into a model folder: confirmed names, prior).
 */
/** With `previous` (the weights shipped before), that row replaces the hand-set one; the memory rows need `memory`. */
async function measure(d: Domain, encoder: MemoEncoder, trained: readonly RankerWeights[], memory: AnnotatorMemory | undefined, previous?: RankerWeights): Promise<void> {
  console.log('');
  console.log(`## ${d.name}: test documents pooled (${d.test.length} documents)`);
  console.log('');
  console.log('| ranker | in-KB | accuracy | R@10 | R@64 | time (s) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  const reports: { name: string; report: EvaluationReport }[] = [];
  const run = async (name: string, linker: LinkerInit | typeof givenOrderLinker): Promise<EvaluationReport> => {
    const l = 'encoder' in linker ? new Linker(linker) : linker;
    const report = await evaluate({ docs: d.test, linker: l, mapGold: d.mapGold, topK: 64, skipInvalid: true, ...(d.candidatesFor === undefined ? {} : { candidatesFor: d.candidatesFor }) });
    const m = report.metrics;
    console.log(`| ${name} | ${m.inKb} | ${pct(m.accuracy)} | ${pct(m['recall@10'])} | ${pct(m['recall@64'])} | ${report.seconds.toFixed(1)} |`);
    reports.push({ name, report });
    return report;
  };
  try {
    await measureRows(d, encoder, trained, memory, previous, run);
  } finally {
    perFileTable(reports);
  }
}

/** In-KB accuracy per test file (collection) of each row measured: where a pooled figure comes from. */
function perFileTable(reports: readonly { name: string; report: EvaluationReport }[]): void {
  const files = [...new Set(reports.flatMap((r) => r.report.perCollection.map((c) => c.key)))];
  if (files.length < 2) return;
  console.log('');
  console.log(`| ranker | ${files.map((f) => `${f} (${reports[0]?.report.perCollection.find((c) => c.key === f)?.inKb ?? '?'})`).join(' | ')} |`);
  console.log(`|---|${files.map(() => '---:').join('|')}|`);
  for (const { name, report } of reports) console.log(`| ${name} | ${files.map((f) => pct(report.perCollection.find((c) => c.key === f)?.accuracy ?? null)).join(' | ')} |`);
}

async function measureRows(
  d: Domain,
  encoder: MemoEncoder,
  trained: readonly RankerWeights[],
  memory: AnnotatorMemory | undefined,
  previous: RankerWeights | undefined,
  run: (name: string, linker: LinkerInit | typeof givenOrderLinker) => Promise<EvaluationReport>,
): Promise<void> {
  if (d.candidatesFor !== undefined) await run('first sense (given order)', givenOrderLinker);
  if (previous === undefined && memory !== undefined) await run('hand-set v1 (previous)', { kb: d.kb, encoder, rankerWeights: HAND_SET_RANKER_WEIGHTS, ...d.init });
  else if (previous !== undefined) await run(`shipped before this run (${previous.source ?? '?'})`, { kb: d.kb, encoder, rankerWeights: previous, ...d.init });
  const seedName = (w: RankerWeights): string => w.source?.replace('bench/trainRanker.ts ', '') ?? '';
  const accs: number[] = [];
  for (const w of trained) accs.push((await run(`trained, ${seedName(w)}`, { kb: d.kb, encoder, rankerWeights: w, ...d.init })).metrics.accuracy ?? 0);
  if (accs.length > 0) console.log(meanRow('trained', accs));
  if (memory === undefined) return;
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
  const json = serializeRankerWeights(w, `defaults (bench/trainRanker.ts, seed 1)`);
  const kind =
    (RECIPE.hidden === 0 ? 'a linear ranker' : `a residual MLP (the linear ranker plus ${RECIPE.hidden} tanh units${RECIPE.ensemble > 1 ? `, averaged over ${RECIPE.ensemble} fits: ${w.hidden?.length ?? 0} units` : ''})`) +
    (RECIPE.profiles === 'joint' ? ' with a profile per KB kind\n * (the joint fit, then each kind\'s examples alone from it)' : RECIPE.profiles === 'separate' ? ' with a profile per KB kind\n * (each from the hand-set weights on its own examples)' : '');
  const text = `import type { RankerWeights } from './ranker';

/**
 * The ranker weights a model folder without ranker.json gets. GENERATED by bench/trainRanker.ts --write (seed 1;
 * do not edit by hand): ${kind}, trained with listwise softmax cross-entropy over the retrieved candidates plus
 * random KB negatives, from the hand-set version-1 weights, on elevant ${ELEVANT_FILES.join(' + ')} (wiki11k)
 * and WSD semeval2013 + semeval2015 + senseval3 (WordNet), less the training documents whose text is a test
 * document's and repeated texts (bench/rankerDomains.ts); ${examples.map((e) => `${e.ex.length} ${e.domain} examples`).join(', ')}${ALSO_WITHOUT.length === 0 ? '' : ` (with a copy
 * without ${ALSO_WITHOUT.join(', ')} of each example that reads it: trainRanker --also-without)`}${SENSE_NAMES ? `;
 * the senses profile also on the WSD training nouns linked as the built-in KB links a name (trainRanker
 * --sense-names: retrieved candidates and random synsets of other lemmas, so that it reads names)` : ''}.
 * Never report quality on those documents (docs/BENCHMARKS.md uses the others).
 */
export const DEFAULT_RANKER_WEIGHTS: RankerWeights = ${JSON.stringify(json, null, 2).replace(/"(\w+)":/g, '$1:').replace(/"/g, "'")};
`;
  await writeFile(OUT_FILE, text);
  console.log(`wrote ${path.relative(ROOT, OUT_FILE)}`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
