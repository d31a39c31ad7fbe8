/**
 * Linking quality on the shared real data, lexical vs dense vs hybrid retrieval, with the USE-lite encoder on CPU.
 *
 *   node out/bench/quality.js [--quick] [--only=elevant,wsd,emerson] [--precision=fp32|int8]
 *
 * - elevant (every *.benchmark.jsonl, and all files pooled) against wiki11k, gold = the entity whose title is the
 *   label's Wikidata name (case-insensitive); gold spans given (disambiguation).
 * - WSD (senseval2, senseval3, semeval2007, semeval2013, semeval2015, and ALL) against WordNet with every part of
 *   speech; each mention is ranked among its lemma's synsets, next to the first-sense baseline.
 * - Emerson (Prodigy gold) against its three-entity CSV.
 * Modes: the Linker's `retrievers` option (lexical / dense / hybrid) with the shipped ranker weights, and
 * "dense (cosine)": dense retrieval ranked by the cosine alone, i.e. the bare bi-encoder.
 * One encoder for everything; one KB per dataset shared by all modes. Entity vectors are cached under
 * .cache/bench/<kb>/ (git-ignored), so only the first run encodes them. --quick runs two elevant files and two
 * WSD sets. The data is read from ../shared/data and never copied.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TextEncoder } from '../src/core/encoder/encoder';
import { evaluate } from '../src/core/eval/evaluate';
import type { EvaluateOptions } from '../src/core/eval/evaluate';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { ExactIndex } from '../src/core/index/exactIndex';
import type { VectorIndex } from '../src/core/index/vectorIndex';
import type { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { Linker } from '../src/core/linker/linker';
import type { FormPriorLookup, RetrieverChoice } from '../src/core/linker/linker';
import { FEATURE_NAMES, loadRankerWeights } from '../src/core/linker/ranker';
import type { RankerWeights } from '../src/core/linker/ranker';
import { templateId } from '../src/core/linker/textTemplates';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { parseChoice } from '../src/cli/options';
import { wordnetFormPriorOf } from '../src/core/linker/wordnetSenseCounts';
import { DATA, ROOT, TEMPLATE, embedRows, loadKb, openWiki11k, openWordNet, secs } from './benchData';
import { MemoEncoder, MemoLinker, givenOrderLinker } from './qualityLinkers';
import { datasetTable, summaryTable } from './qualityTables';
import type { DatasetResult, ModeRow } from './qualityTables';

const TOP_K = 64;
/** Both retrievers may fill the recall@64 depth on their own, so R@64 of a single retriever means what it says. */
const POOL = { denseTopN: TOP_K, lexicalTopN: TOP_K, hardNegatives: 0, template: TEMPLATE } as const;

const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const onlyArg = argv.find((a) => a.startsWith('--only='));
const ONLY = onlyArg === undefined ? undefined : new Set(onlyArg.slice('--only='.length).split(','));
const wanted = (section: string): boolean => ONLY === undefined || ONLY.has(section);
/** The built-in encoder's precision (default fp32); int8 vectors have their own model id, so their own cache. */
const PRECISION = parseChoice('precision', argv.find((a) => a.startsWith('--precision='))?.slice('--precision='.length), ['fp32', 'int8'] as const, 'fp32');

interface ModeSpec {
  readonly name: string;
  readonly retrievers: RetrieverChoice;
  readonly weights: RankerWeights;
  /** Modes with the same key share mention vectors: the later ones replay the first one's encodings. */
  readonly shareVectors?: string;
}

/** A named group of documents evaluated as one table. */
interface GoldSet {
  readonly name: string;
  readonly docs: readonly GoldDocument[];
}

interface Bench {
  readonly encoder: TextEncoder;
  readonly weights: RankerWeights;
  readonly modes: readonly ModeSpec[];
}

function modeSpecs(weights: RankerWeights): ModeSpec[] {
  const cosineOnly: RankerWeights = {
    ...weights,
    weights: Object.fromEntries(FEATURE_NAMES.map((n) => [n, n === 'dense' ? 1 : 0])) as RankerWeights['weights'],
    source: 'cosine only',
  };
  return [
    { name: 'lexical', retrievers: 'lexical', weights },
    { name: 'dense', retrievers: 'dense', weights, shareVectors: 'dense' },
    { name: 'hybrid', retrievers: 'hybrid', weights },
    { name: 'dense (cosine)', retrievers: 'dense', weights: cosineOnly, shareVectors: 'dense' },
  ];
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`quality bench: no shared data at ${DATA} (expected next to the repository as ../shared/data); nothing measured.`);
    return;
  }
  const t = performance.now();
  const { encoder, modelDir } = await openEncoder({ packageRoot: ROOT, provider: 'cpu', precision: PRECISION, logger: silentLogger });
  const weights = await loadRankerWeights(modelDir);
  const bench: Bench = { encoder, weights, modes: modeSpecs(weights) };
  console.log(`# Linking quality (bench/quality.ts${QUICK ? ' --quick' : ''})`);
  console.log('');
  console.log(
    `${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; ` +
      `model ${path.relative(ROOT, modelDir)} ${PRECISION} (${encoder.modelId.slice(0, 12)}, ${encoder.dims}-d, loaded in ${secs(performance.now() - t)} s); ` +
      `ranker ${weights.source ?? '?'} ${JSON.stringify(weights.weights)}; template ${templateId(TEMPLATE)}; ` +
      `candidate pools: dense top ${POOL.denseTopN}, lexical top ${POOL.lexicalTopN}; ${TOP_K} ranked per mention.`,
  );
  console.log('Metrics over in-KB mentions except acc. (all) (unnormalised, every mention; the linker never says NIL here). ' +
    'Time: linking only (mention encoding, retrieval, ranking); setup is listed per KB. ' +
    '"dense (cosine)" ranks the dense pool by the cosine alone (the bare bi-encoder) and replays the dense run\'s mention vectors, so its time excludes encoding.');
  const results: DatasetResult[] = [];
  try {
    if (wanted('elevant')) results.push(...(await elevantSection(bench)));
    if (wanted('wsd')) results.push(...(await wsdSection(bench)));
    if (wanted('emerson')) results.push(...(await emersonSection(bench)));
  } finally {
    await encoder.dispose();
  }
  console.log('');
  console.log('## Summary: accuracy (%, in-KB mentions) by mode');
  console.log('');
  console.log(summaryTable(results, ['first sense', ...bench.modes.map((m) => m.name)]));
  console.log('');
  console.log(`Total ${secs(performance.now() - t)} s.`);
}

async function elevantSection(bench: Bench): Promise<DatasetResult[]> {
  const dir = path.join(DATA, 'elevant');
  const kbFile = path.join(DATA, 'wiki11k/Wiki.txt');
  if (!existsSync(dir) || !existsSync(kbFile)) return missing('elevant vs wiki11k', dir, kbFile);
  let files = readdirSync(dir).filter((f) => f.endsWith('.benchmark.jsonl')).sort();
  if (QUICK) files = files.filter((f) => f.startsWith('derczynski') || f.startsWith('news-fair'));
  const sets: GoldSet[] = [];
  for (const f of files) sets.push({ name: `elevant ${f.replace('.benchmark.jsonl', '')}`, docs: await readGold(path.join(dir, f), 'elevant') });
  const { kb, index, vectors, mapGold, setup } = await openWiki11k(bench.encoder);
  const t = performance.now();
  const linkers = makeLinkers(bench, kb, index, vectors.of);
  setup.push(`lexical index ${secs((performance.now() - t) / linkers.length)} s per linker`);
  printSetup('elevant vs wiki11k', kb, setup);
  const pooled = { name: QUICK ? 'elevant (2 files pooled)' : 'elevant (all files pooled)', docs: sets.flatMap((s) => s.docs) };
  return runSets(linkers, sets, pooled, { mapGold });
}

async function wsdSection(bench: Bench): Promise<DatasetResult[]> {
  const dir = path.join(DATA, 'wsd');
  if (!existsSync(dir)) return missing('WSD vs WordNet', dir);
  const names = QUICK ? ['semeval2007', 'senseval3'] : ['senseval2', 'senseval3', 'semeval2007', 'semeval2013', 'semeval2015'];
  const sets: GoldSet[] = [];
  for (const n of names) sets.push({ name: `wsd ${n}`, docs: await readGold(path.join(dir, n), 'wsd') });
  // ALL is the five sets concatenated; its answers are replayed from the per-set runs (the memo counts misses).
  const pooled = QUICK ? { name: 'wsd (2 sets pooled)', docs: sets.flatMap((s) => s.docs) } : { name: 'wsd ALL', docs: await readGold(path.join(dir, 'ALL'), 'wsd') };
  const { kb, vectors, mapGold, candidatesFor, prior, setup } = await openWordNet(bench.encoder, [...sets.flatMap((s) => s.docs), ...pooled.docs]);
  const t = performance.now();
  const linkers = makeLinkers(bench, kb, undefined, vectors.of, prior, await wordnetFormPriorOf(kb.entities));
  setup.push(`lexical index ${secs((performance.now() - t) / linkers.length)} s per linker`);
  printSetup('WSD vs WordNet', kb, setup);
  return runSets(linkers, sets, pooled, { mapGold, candidatesFor }, true);
}

async function emersonSection(bench: Bench): Promise<DatasetResult[]> {
  const dir = path.join(DATA, 'emerson');
  const kbFile = path.join(dir, 'entities.csv');
  const goldFile = path.join(dir, 'emerson_annotated_text.jsonl');
  if (!existsSync(kbFile) || !existsSync(goldFile)) return missing('Emerson', kbFile, goldFile);
  const { kb, setup } = await loadKb(`csv:${kbFile}`, 'emerson');
  const vectors = await embedRows(bench.encoder, kb, kb.entities.map((_, row) => row), 'emerson', setup);
  const linkers = makeLinkers(bench, kb, new ExactIndex(vectors.flat, bench.encoder.dims), vectors.of);
  printSetup('Emerson', kb, setup);
  const sets = [{ name: 'emerson', docs: await readGold(goldFile, 'prodigy') }];
  return runSets(linkers, sets, undefined, { mapGold: createGoldMapper(kb, { kind: 'id' }) });
}

interface ModeLinker {
  readonly spec: ModeSpec;
  readonly memo: MemoLinker;
}

/** One Linker per mode over the same KB, encoder, index and stored vectors; lexical indexes built up front. */
function makeLinkers(
  bench: Bench,
  kb: KnowledgeBase,
  index: VectorIndex | undefined,
  entityVector: (row: number) => Float32Array | undefined,
  entityPrior?: (row: number) => number | undefined,
  formPrior?: FormPriorLookup,
): ModeLinker[] {
  const shared = new Map<string, MemoEncoder>();
  return bench.modes.map((spec) => {
    let encoder: TextEncoder = bench.encoder;
    if (spec.shareVectors !== undefined) {
      const memo = shared.get(spec.shareVectors) ?? new MemoEncoder(bench.encoder);
      shared.set(spec.shareVectors, memo);
      encoder = memo;
    }
    const linker = new Linker({
      kb,
      encoder,
      ...(index === undefined ? {} : { index }),
      entityVector,
      ...(entityPrior === undefined ? {} : { entityPrior }),
      ...(formPrior === undefined ? {} : { formPrior }),
      rankerWeights: spec.weights,
      options: { ...POOL, retrievers: spec.retrievers },
    });
    void linker.lexical;
    return { spec, memo: new MemoLinker(linker) };
  });
}

/**
 * Evaluates every set with every mode, then the pooled set by replaying the memo (its time is the sum of the
 * sets' plus whatever had to be linked afresh). `firstSense` adds the given-order baseline row.
 */
async function runSets(
  linkers: readonly ModeLinker[],
  sets: readonly GoldSet[],
  pooled: GoldSet | undefined,
  eval_: Pick<EvaluateOptions, 'mapGold' | 'candidatesFor'> & { mapGold: GoldMapper },
  firstSense = false,
): Promise<DatasetResult[]> {
  const modes: { name: string; memo: MemoLinker }[] = [
    ...(firstSense ? [{ name: 'first sense', memo: new MemoLinker(givenOrderLinker) }] : []),
    ...linkers.map((l) => ({ name: l.spec.name, memo: l.memo })),
  ];
  const replays: string[] = [];
  const rowsBySet = new Map<string, ModeRow[]>([...sets, ...(pooled === undefined ? [] : [pooled])].map((s) => [s.name, []]));
  for (const { name, memo } of modes) {
    let total = 0;
    for (const set of sets) {
      const report = await evaluate({ ...eval_, docs: set.docs, linker: memo, topK: TOP_K, skipInvalid: true });
      total += report.seconds;
      rowsBySet.get(set.name)?.push({ mode: name, report, seconds: report.seconds });
      if (report.invalid.length > 0) console.error(`  ${set.name}: ${report.invalid.length} invalid gold spans skipped (first: ${report.invalid[0].problem})`);
      console.error(`  [${name}] ${set.name}: ${report.metrics.mentions} mentions in ${report.seconds.toFixed(1)} s`);
    }
    if (pooled !== undefined) {
      memo.resetCounts();
      const report = await evaluate({ ...eval_, docs: pooled.docs, linker: memo, topK: TOP_K, skipInvalid: true });
      rowsBySet.get(pooled.name)?.push({ mode: name, report, seconds: total + report.seconds });
      replays.push(`${name} ${memo.hits}/${memo.hits + memo.misses}`);
    }
  }
  if (pooled !== undefined) {
    console.log('');
    console.log(`${pooled.name}: mentions replayed from the per-set runs (the rest linked afresh): ${replays.join(', ')}.`);
  }
  const results = [...rowsBySet].map(([dataset, rows]) => ({ dataset, rows }));
  for (const r of results) {
    console.log('');
    console.log(datasetTable(r));
  }
  return results;
}

function printSetup(title: string, kb: KnowledgeBase, setup: readonly string[]): void {
  console.log('');
  console.log(`## ${title}`);
  console.log('');
  console.log(`Setup (${kb.name}): ${setup.join('; ')}.`);
}

function missing(title: string, ...paths: string[]): DatasetResult[] {
  console.log('');
  console.log(`## ${title}: skipped, data missing (${paths.filter((p) => !existsSync(p)).join(', ')})`);
  return [];
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
