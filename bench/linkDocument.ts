/**
 * Linking speed and accuracy of the core linker with the real USE-lite encoder, on CPU.
 *
 *   node out/bench/linkDocument.js [--wordnet] [--no-accuracy] [--no-speed] [--context=WORDS] [--old DIR [--int8]]
 *
 * Speed: a ~5,000-word document (elevant news/wiki texts joined as paragraphs) linked warm against wiki11k
 * with the exact and the HNSW index (and WordNet nouns with --wordnet), split per stage.
 * Accuracy: elevant gold spans against wiki11k (gold = the entity whose title equals the label's name,
 * case-insensitive), lexical vs dense vs hybrid retrieval; the ranker weights and NIL threshold are tuned on
 * the *-train files only and reported on the others.
 * Entity vectors are cached under the OS temp folder, so only the first run embeds the KB.
 * --old DIR: DIR is a checkout of earlier code compiled with `npx tsc -p tsconfig.json` (DIR/out); its Linker and
 * this one link the document alternately in this process with the same encoder, KB and index (an HNSW graph read
 * from a file, as a session opens it), and the medians, their ratio and the agreement of the top candidates print;
 * --dense-ef=200,128 adds this code with those LinkerOptions.denseEfSearch values.
 */
import { readdirSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { loadEncoder } from '../src/core/encoder/loadEncoder';
import type { TextEncoder } from '../src/core/encoder/encoder';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import { readElevantFile } from '../src/core/formats/elevantReader';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { embedAll } from '../src/core/index/embeddingCache';
import { ExactIndex } from '../src/core/index/exactIndex';
import { HnswIndex } from '../src/core/index/hnswIndex';
import type { VectorIndex } from '../src/core/index/vectorIndex';
import type { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { silentLogger } from '../src/core/log';
import { DEFAULT_LINKER_OPTIONS, Linker } from '../src/core/linker/linker';
import type { RetrieverChoice } from '../src/core/linker/linker';
import type { LinkedMention } from '../src/core/linker/types';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, FEATURE_NAMES_V1, scoreFeatures, softmax } from '../src/core/linker/ranker';
import type { FeatureName, RankerWeights } from '../src/core/linker/ranker';

/** The version-1 features, the ones this bench's grid search tunes (bench/trainRanker.ts trains them all). */
type V1Feature = (typeof FEATURE_NAMES_V1)[number];
import { DEFAULT_TEMPLATE, entityText, templateId } from '../src/core/linker/textTemplates';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const MODEL = path.join(ROOT, 'models/use-lite');
const CACHE = path.join(os.tmpdir(), 'entity-linker-bench-cache');
const args = new Set(process.argv.slice(2));
const contextArg = process.argv.find((a) => a.startsWith('--context='));
/** Mention-context words (the template's contextWords); entity texts do not depend on it, so the cache holds. */
const TEMPLATE = contextArg === undefined ? DEFAULT_TEMPLATE : { ...DEFAULT_TEMPLATE, contextWords: Number(contextArg.slice(10)) };
const oldArg = process.argv.indexOf('--old');
const OLD = oldArg < 0 ? undefined : path.resolve(process.argv[oldArg + 1] ?? '.');
/** --dense-ef=200,128: also this code with these denseEfSearch values (against --old). */
const DENSE_EF = (process.argv.find((a) => a.startsWith('--dense-ef='))?.slice(11).split(',') ?? []).map(Number);

async function main(): Promise<void> {
  const encoder = await loadEncoder(MODEL, { provider: 'cpu', logger: silentLogger });
  console.log(`linkDocument bench: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, template ${templateId(TEMPLATE)}`);
  const wiki = await loadKb([{ path: path.join(DATA, 'wiki11k/Wiki.txt'), format: 'brat' }], 'wiki11k');
  const wikiVectors = await embedKb(wiki, encoder);
  const exact = new ExactIndex(wikiVectors, encoder.dims);
  const t = performance.now();
  const hnsw = await HnswIndex.build(wikiVectors, encoder.dims);
  console.log(`wiki11k: ${wiki.size} entities; HNSW build ${ms(performance.now() - t)}`);
  const doc = await benchDocument(5000);
  if (OLD !== undefined) await againstOld(OLD, wiki, encoder, hnsw, doc);
  if (!args.has('--no-speed')) {
    await speed('wiki11k exact', wiki, encoder, exact, doc);
    const defaultEf = hnsw.hnswParams.efSearch;
    await speed(`wiki11k hnsw ef=${defaultEf} (default)`, wiki, encoder, hnsw, doc);
    for (const ef of [200, 64]) {
      hnsw.setEfSearch(ef);
      await speed(`wiki11k hnsw ef=${ef}`, wiki, encoder, hnsw, doc);
    }
    hnsw.setEfSearch(defaultEf);
  }
  if (!args.has('--no-accuracy')) await accuracy(wiki, encoder, hnsw);
  if (args.has('--wordnet')) await wordnetDetection(encoder, doc);
  await encoder.dispose();
}

/**
 * WordNet nouns: detection and lexical-only linking (no index: embedding 80k glosses with USE-lite on two
 * CPU cores takes over ten minutes, which is the index helper's bench, not this one).
 */
async function wordnetDetection(encoder: TextEncoder, doc: string): Promise<void> {
  const wn = await loadKb([{ path: 'wordnet', format: 'wordnet', pos: ['n'] }], 'wordnet-nouns');
  for (const mode of ['names', 'all-words'] as const) {
    const linker = new Linker({ kb: wn, encoder, options: { retrievers: 'lexical', detection: { mode } } });
    let t = performance.now();
    linker.detect('warm up');
    void linker.lexical;
    const build = performance.now() - t;
    t = performance.now();
    const found = linker.detect(doc);
    const det = performance.now() - t;
    t = performance.now();
    const res = await linker.linkDocument(doc);
    const all = performance.now() - t;
    const sample = found.slice(0, 12).map((m) => m.text).join(', ');
    console.log(`[wordnet-n ${mode}] build ${ms(build)}; ${found.length} mentions, detection ${ms(det)}, lexical-only linking ${ms(all)} (${res.length}); first: ${sample}`);
  }
}

async function loadKb(sources: Parameters<typeof loadKnowledgeBase>[0], name: string): Promise<KnowledgeBase> {
  const t = performance.now();
  const { kb } = await loadKnowledgeBase(sources, { strict: false, name });
  console.log(`${name}: loaded ${kb.size} entities in ${ms(performance.now() - t)}`);
  return kb;
}

async function embedKb(kb: KnowledgeBase, encoder: TextEncoder): Promise<Float32Array> {
  return embedAll({
    cacheDir: CACHE,
    modelId: encoder.modelId,
    dims: encoder.dims,
    texts: kb.entities.map((e) => entityText(e)),
    encode: (texts) => encoder.encode(texts, { batchSize: 64 }),
  });
}

/** Real prose: elevant document texts, one paragraph each, until `words` words. */
async function benchDocument(words: number): Promise<string> {
  const paras: string[] = [];
  let n = 0;
  for (const f of ['news-fair', 'wiki-fair', 'reuters-128']) {
    for (const d of await readElevantFile(path.join(DATA, `elevant/${f}.benchmark.jsonl`))) {
      for (const p of d.text.split(/\n\s*\n/)) {
        const w = p.split(/\s+/).filter((x) => x.length > 0);
        if (w.length === 0) continue;
        const take = w.slice(0, words - n);
        paras.push(take.join(' '));
        n += take.length;
        if (n >= words) return paras.join('\n\n');
      }
    }
  }
  return paras.join('\n\n');
}

async function speed(label: string, kb: KnowledgeBase, encoder: TextEncoder, index: VectorIndex, doc: string, detection = {}): Promise<void> {
  // The index's own efSearch (set per row of the table) also for the linker's dense queries.
  const linker = new Linker({ kb, encoder, index, options: { detection, template: TEMPLATE, denseEfSearch: undefined } });
  let t = performance.now();
  linker.detect('warm up the gazetteer');
  void linker.lexical;
  const build = performance.now() - t;
  await linker.linkDocument(doc);
  const runs: number[] = [];
  let split = { ...linker.timings };
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await linker.linkDocument(doc);
    runs.push(performance.now() - t);
    if (i === 0 || runs[i] <= Math.min(...runs)) split = { ...linker.timings };
  }
  runs.sort((a, b) => a - b);
  // One paragraph edited in the middle: incremental relink vs the full relink above.
  const before = await linker.linkDocument(doc);
  const paras = doc.split('\n\n');
  const mid = Math.floor(paras.length / 2);
  paras[mid] = `${paras[mid]} Later that year the delegation travelled on to Paris and Berlin.`;
  const edited = paras.join('\n\n');
  t = performance.now();
  await linker.relinkChanged(doc, before, edited);
  const relink = performance.now() - t;
  const relinked = linker.timings.mentions;
  const words = doc.split(/\s+/).length;
  console.log(
    `[speed] ${label}: ${words} words, ${split.mentions} mentions; median ${ms(runs[1])} (min ${ms(runs[0])}); ` +
      `detection ${ms(split.detection)}, encoding ${ms(split.encoding)}, retrieval ${ms(split.retrieval)}, ranking ${ms(split.ranking)}; ` +
      `first-use build (gazetteer + lexical index) ${ms(build)}; relinkChanged after a one-paragraph edit ${ms(relink)} (${relinked} mentions re-linked)`,
  );
}

type LinkerClass = new (init: ConstructorParameters<typeof Linker>[0]) => Linker;

/**
 * This code's Linker against the one compiled in `dir`, alternately on the same document, encoder, KB and HNSW
 * index (written and read back, so stored vectors come from the graph file as in a session). Warm: each linker
 * links the document once unmeasured first.
 */
async function againstOld(dir: string, kb: KnowledgeBase, encoder: TextEncoder, built: HnswIndex, doc: string): Promise<void> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const OldLinker = (require(path.join(dir, 'out/src/core/linker/linker.js')) as { Linker: LinkerClass }).Linker;
  const file = path.join(os.tmpdir(), `el-bench-link-${process.pid}.hnsw`);
  built.write(file);
  const index = HnswIndex.read(file, encoder.dims, built.hnswParams);
  rmSync(file);
  const variant = (name: string, linker: Linker): { name: string; linker: Linker; runs: number[]; split: Linker['timings'][] } => ({ name, linker, runs: [], split: [] });
  const variants = [
    variant('previous', new OldLinker({ kb, encoder, index, options: { template: TEMPLATE } })),
    variant(`this code, dense efSearch ${index.hnswParams.efSearch} (the index's)`, new Linker({ kb, encoder, index, options: { template: TEMPLATE, denseEfSearch: undefined } })),
    variant(`this code (default dense efSearch ${DEFAULT_LINKER_OPTIONS.denseEfSearch ?? 'of the index'})`, new Linker({ kb, encoder, index, options: { template: TEMPLATE } })),
    ...DENSE_EF.map((ef) => variant(`this code, denseEfSearch ${ef}`, new Linker({ kb, encoder, index, options: { template: TEMPLATE, denseEfSearch: ef } }))),
  ];
  // --int8: this code with the int8 encoder (precision auto's choice on AVX-512 VNNI / AVX-VNNI CPUs) for the
  // mentions. Speed only: the KB vectors stay fp32 here, where a session embeds the KB at int8 too.
  const int8 = args.has('--int8') ? await loadEncoder(MODEL, { provider: 'cpu', logger: silentLogger, precision: 'int8' }) : undefined;
  if (int8 !== undefined) variants.push(variant('this code, int8 encoder (speed only)', new Linker({ kb, encoder: int8, index, options: { template: TEMPLATE } })));
  const results: LinkedMention[][] = [];
  for (const v of variants) results.push(await v.linker.linkDocument(doc));
  for (let round = 0; round < 5; round++) {
    for (const v of round % 2 === 0 ? variants : [...variants].reverse()) {
      const t = performance.now();
      await v.linker.linkDocument(doc);
      v.runs.push(performance.now() - t);
      v.split.push({ ...v.linker.timings });
    }
  }
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const stage = (v: (typeof variants)[number], key: keyof Linker['timings']): number => median(v.split.map((s) => s[key]));
  console.log(`[old vs new] ${dir}: load average ${os.loadavg().map((x) => x.toFixed(1)).join(' ')}; HNSW ef=${index.hnswParams.efSearch} read from a file; 5 runs each, alternating`);
  for (const v of variants) {
    console.log(
      `  ${v.name}: median ${ms(median(v.runs))} (min ${ms(Math.min(...v.runs))}); encoding ${ms(stage(v, 'encoding'))}, retrieval ${ms(stage(v, 'retrieval'))}, ` +
        `ranking ${ms(stage(v, 'ranking'))}, detection ${ms(stage(v, 'detection'))}; ${v.split[0]!.mentions} mentions`,
    );
  }
  // The candidate pools themselves (every retrieved candidate, so the ranker's order does not matter): the
  // previous code against this one at the index's own breadth.
  const everything = { topK: 100_000 };
  const oldPools = await new OldLinker({ kb, encoder, index, options: { template: TEMPLATE, hardNegatives: 0 } }).linkDocument(doc, everything);
  const newPools = await new Linker({ kb, encoder, index, options: { template: TEMPLATE, hardNegatives: 0, denseEfSearch: undefined } }).linkDocument(doc, everything);
  const samePools = oldPools.filter((m, i) => sameIds(m, newPools[i])).length;
  console.log(`  candidate pools (all retrieved candidates) of previous and this code equal for ${samePools}/${oldPools.length} mentions`);
  const before = variants[0]!;
  variants.slice(1).forEach((after, j) => {
    const ratio = (key: keyof Linker['timings']): string => `${(stage(before, key) / Math.max(1e-9, stage(after, key))).toFixed(2)}x`;
    const same = results[0]!.filter((m, i) => m.candidates[0]?.id === results[j + 1]![i]?.candidates[0]?.id && m.start === results[j + 1]![i]?.start).length;
    const pools = results[0]!.filter((m, i) => sameIds(m, results[j + 1]![i])).length;
    console.log(
      `  previous / ${after.name}: whole document ${(median(before.runs) / median(after.runs)).toFixed(2)}x, retrieval ${ratio('retrieval')}, encoding ${ratio('encoding')}, ranking ${ratio('ranking')}; ` +
        `same top candidate ${same}/${results[0]!.length}, same candidate ids ${pools}/${results[0]!.length}`,
    );
  });
}

function sameIds(a: LinkedMention, b: LinkedMention | undefined): boolean {
  if (b === undefined) return false;
  const ids = (m: LinkedMention): string => [...m.candidates, ...m.hardNegatives].map((c) => c.id).sort().join(' ');
  return ids(a) === ids(b);
}

interface EvalMention {
  readonly file: string;
  readonly status: 'in-kb' | 'out-of-kb' | 'nil';
  readonly gold: ReadonlySet<string>;
  /** Every retrieved candidate with its feature vector, per retriever choice. */
  readonly cands: Record<RetrieverChoice, { id: string; f: number[] }[]>;
}

async function accuracy(kb: KnowledgeBase, encoder: TextEncoder, index: VectorIndex): Promise<void> {
  const files = readdirSync(path.join(DATA, 'elevant')).filter((f) => f.endsWith('.benchmark.jsonl')).sort();
  const mapper = createGoldMapper(kb, { kind: 'title' });
  const linkers = Object.fromEntries(
    (['lexical', 'dense', 'hybrid'] as const).map((r) => [r, new Linker({ kb, encoder, index, options: { retrievers: r, topK: 1000, hardNegatives: 0, template: TEMPLATE } })]),
  ) as Record<RetrieverChoice, Linker>;
  const mentions: EvalMention[] = [];
  const t = performance.now();
  for (const f of files) {
    const docs: GoldDocument[] = await readElevantFile(path.join(DATA, 'elevant', f));
    for (const d of docs) {
      const gm = d.mentions.filter((m) => m.optional !== true);
      if (gm.length === 0) continue;
      const spans = gm.map((m) => ({ start: m.start, end: m.end }));
      const results = {} as Record<RetrieverChoice, Awaited<ReturnType<Linker['linkSpans']>>>;
      for (const r of ['lexical', 'dense', 'hybrid'] as const) results[r] = await linkers[r].linkSpans(d.text, spans);
      gm.forEach((m, i) => {
        const mapped = mapper(m);
        const cands = {} as EvalMention['cands'];
        for (const r of ['lexical', 'dense', 'hybrid'] as const) cands[r] = results[r][i].candidates.map((c) => ({ id: c.id, f: [...(c.features ?? [])] }));
        mentions.push({ file: f.replace('.benchmark.jsonl', ''), status: mapped.status, gold: new Set(mapped.ids), cands });
      });
    }
  }
  const train = mentions.filter((m) => m.file.endsWith('-train'));
  const test = mentions.filter((m) => !m.file.endsWith('-train'));
  const inKb = (ms: EvalMention[]): EvalMention[] => ms.filter((m) => m.status === 'in-kb');
  console.log(
    `[accuracy] elevant vs wiki11k: ${mentions.length} mentions linked 3x in ${ms(performance.now() - t)}; in-KB: train ${inKb(train).length}, test ${inKb(test).length}`,
  );
  const only = (names: FeatureName[], base: RankerWeights): RankerWeights => ({
    ...base,
    weights: Object.fromEntries(FEATURE_NAMES.map((n) => [n, names.includes(n) ? base.weights[n] : 0])) as Record<FeatureName, number>,
  });
  const lexW = only(['lexical', 'exactName', 'exactTitle'], DEFAULT_RANKER_WEIGHTS);
  const denseW = only(['dense'], DEFAULT_RANKER_WEIGHTS);
  const report = (label: string, ms: EvalMention[], w: { lexical: RankerWeights; dense: RankerWeights; hybrid: RankerWeights }): void => {
    const parts = (['lexical', 'dense', 'hybrid'] as const).map((r) => {
      const s = scoreSet(inKb(ms), r, w[r]);
      return `${r} acc@1 ${pct(s.acc)} R@10 ${pct(s.r10)} R@all ${pct(s.rAll)}`;
    });
    console.log(`  ${label} (${inKb(ms).length} in-KB): ${parts.join(' | ')}`);
  };
  report('train, default weights', train, { lexical: lexW, dense: denseW, hybrid: DEFAULT_RANKER_WEIGHTS });
  report('test,  default weights', test, { lexical: lexW, dense: denseW, hybrid: DEFAULT_RANKER_WEIGHTS });
  const tuned = tune(inKb(train));
  console.log(`  tuned on train: ${JSON.stringify(tuned.weights)}`);
  const tunedLex = tune(inKb(train), ['lexical', 'exactName', 'exactTitle'], 'lexical');
  report('train, tuned weights  ', train, { lexical: tunedLex, dense: denseW, hybrid: tuned });
  report('test,  tuned weights  ', test, { lexical: tunedLex, dense: denseW, hybrid: tuned });
  for (const w of [DEFAULT_RANKER_WEIGHTS, tuned]) {
    const nil = tuneNil(train, w);
    const onTest = nilAccuracy(test, w, nil.nilThreshold, nil.minScore);
    console.log(
      `  NIL (${w === tuned ? 'tuned' : 'default'} weights): best on train p<${nil.nilThreshold} or score<${nil.minScore.toFixed(2)}: ` +
        `train ${pct(nil.acc)}, test ${pct(onTest)} (in-KB right entity or out-of-KB/NIL predicted NIL; never-NIL test ${pct(nilAccuracy(test, w, 0, -Infinity))})`,
    );
  }
}

function rank(cands: readonly { id: string; f: number[] }[], w: RankerWeights): { id: string; s: number }[] {
  return cands.map((c) => ({ id: c.id, s: scoreFeatures(w, c.f) })).sort((a, b) => b.s - a.s || (a.id < b.id ? -1 : 1));
}

function scoreSet(ms: readonly EvalMention[], r: RetrieverChoice, w: RankerWeights): { acc: number; r10: number; rAll: number; logLik: number } {
  let acc = 0;
  let r10 = 0;
  let rAll = 0;
  let logLik = 0;
  for (const m of ms) {
    const ranked = rank(m.cands[r], w);
    const pos = ranked.findIndex((c) => m.gold.has(c.id));
    if (pos === 0) acc++;
    if (pos >= 0 && pos < 10) r10++;
    if (pos >= 0) {
      rAll++;
      logLik += Math.log(Math.max(1e-12, softmax(ranked.map((c) => c.s))[pos]));
    }
  }
  const n = Math.max(1, ms.length);
  return { acc: acc / n, r10: r10 / n, rAll: rAll / n, logLik: logLik / Math.max(1, rAll) };
}

/**
 * Grid search of the weights for top-1 accuracy; ties go to the higher mean log-probability of the gold
 * (the trainer's objective), which also sets the scale of the scores and so the meaning of probabilities.
 */
function tune(ms: readonly EvalMention[], free: readonly V1Feature[] = FEATURE_NAMES_V1, r: RetrieverChoice = 'hybrid'): RankerWeights {
  const grid: Record<V1Feature, number[]> = {
    dense: [0, 2, 5, 10, 15, 20, 30],
    lexical: [0, 1, 2, 4, 8],
    exactName: [0, 1, 2, 4],
    exactTitle: [0, 0.5, 1, 2, 4],
    denseMissing: [0, -1, -2],
  };
  let best = { acc: -1, ll: -Infinity, w: DEFAULT_RANKER_WEIGHTS };
  const names = FEATURE_NAMES_V1.filter((n) => free.includes(n));
  const walk = (i: number, acc: Record<V1Feature, number>): void => {
    if (i === names.length) {
      const w: RankerWeights = { version: 1, weights: { ...acc }, source: 'bench/linkDocument.ts grid on elevant *-train' };
      const { acc: a, logLik: ll } = scoreSet(ms, r, w);
      if (a > best.acc + 1e-12 || (a > best.acc - 1e-12 && ll > best.ll)) best = { acc: a, ll, w };
      return;
    }
    for (const v of grid[names[i]]) walk(i + 1, { ...acc, [names[i]]: v });
  };
  walk(0, { dense: 0, lexical: 0, exactName: 0, exactTitle: 0, denseMissing: 0 });
  return best.w;
}

function nilAccuracy(ms: readonly EvalMention[], w: RankerWeights, nilThreshold: number, minScore: number): number {
  let ok = 0;
  for (const m of ms) {
    const ranked = rank(m.cands.hybrid, w);
    const probs = softmax(ranked.map((c) => c.s));
    const nil = ranked.length === 0 || probs[0] < nilThreshold || ranked[0].s < minScore;
    if (m.status === 'in-kb' ? !nil && m.gold.has(ranked[0].id) : nil) ok++;
  }
  return ok / Math.max(1, ms.length);
}

function tuneNil(ms: readonly EvalMention[], w: RankerWeights): { nilThreshold: number; minScore: number; acc: number } {
  const tops = ms.map((m) => rank(m.cands.hybrid, w)[0]?.s ?? 0).sort((a, b) => a - b);
  const scoreGrid = [-Infinity, ...Array.from({ length: 19 }, (_, i) => tops[Math.floor(((i + 1) / 20) * (tops.length - 1))])];
  let best = { nilThreshold: 0, minScore: -Infinity, acc: -1 };
  for (const p of [0, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]) {
    for (const s of scoreGrid) {
      const acc = nilAccuracy(ms, w, p, s);
      if (acc > best.acc) best = { nilThreshold: p, minScore: s, acc };
    }
  }
  return best;
}

function ms(x: number): string {
  return `${x.toFixed(0)} ms`;
}

function pct(x: number): string {
  return `${(100 * x).toFixed(1)}%`;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
