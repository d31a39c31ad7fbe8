/**
 * SOM (sum-of-max) re-ranking of the shipped ranker's top candidates: trained on the ranker's train split,
 * measured on its held-out test sets (bench/rankerDomains.ts), 3 seeds, in one run with the shipped ranker alone.
 *
 *   node out/bench/som.js --prepare=elevant|WSD       link with the shipped ranker + encode token states (cached)
 *   node out/bench/som.js [--seeds=1,2,3] [--epochs=2] [--basis=128] [--out=64] [--domains=elevant,WSD] [--write=FILE]
 *   node out/bench/som.js --check-encoder             token states at fp32 and int8 agree?
 *
 * Training: the token states (first 32 per text) are reduced to a fixed uncentred-PCA basis of `--basis`
 * directions fitted on training texts; the two projections (basis -> `--out`) start as the identity (the leading
 * directions) and are trained with the listwise loss over the gold + the ranker's wrong top-16 (hard negatives)
 * + 4 random negatives per epoch from the training mentions' candidates of the same KB, the two domains
 * weighing the same. The training documents are split by document: 80% train SOM, 20% fit the mixing weight w
 * of `ranker score + w * SOM` (mean of the maxima); the test documents are used for nothing but the tables.
 */
import { existsSync, statSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TextEncoder, TokenStates } from '../src/core/encoder/encoder';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { composeProjection, fitPrincipalBasis, reduceStates } from '../src/core/som/principalBasis';
import type { PrincipalBasis } from '../src/core/som/principalBasis';
import { saveSomModel } from '../src/core/som/somModelFile';
import type { SomModel } from '../src/core/som/somModelFile';
import { SomReranker } from '../src/core/som/somReranker';
import { projectStates, sumOfMax } from '../src/core/som/somScorer';
import type { SomProjections } from '../src/core/som/somScorer';
import { identityProjections, trainSom } from '../src/core/som/somTrainer';
import type { SomExample, SomPoolEntry } from '../src/core/som/somTrainer';
import { ROOT, secs } from './benchData';
import { MemoEncoder } from './qualityLinkers';
import { pct } from './qualityTables';
import { elevantDomain, wsdDomain } from './rankerDomains';
import { MAX_TOKENS, SOM_CACHE, TOP_K, prepareSomDomain, readSomDomain } from './somData';
import type { SomDomainData, SomMentionRecord } from './somData';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const SEEDS = (arg('seeds') ?? '1,2,3').split(',').map(Number);
const EPOCHS = Number(arg('epochs') ?? 2);
const BASIS = Number(arg('basis') ?? 128);
const OUT = Number(arg('out') ?? 64);
/** --residual: train SOM with the ranker's scores as fixed logits (it learns what the ranker misses), no random negatives. */
const RESIDUAL = argv.includes('--residual');
const RANDOM_NEGATIVES = RESIDUAL ? 0 : 4;
const SCALE = RESIDUAL ? 10 : 20;
const MIX_GRID = [0, 0.5, 1, 2, 3, 4, 6, 8, 10, 12, 15, 20, 25, 30, 40, 50, 70, 100];
const DOMAINS = (arg('domains') ?? 'elevant,WSD').split(',');

async function main(): Promise<void> {
  const opened = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  try {
    console.log(`# SOM re-ranking (bench/som.ts ${argv.join(' ')})`);
    console.log(`${new Date().toISOString()}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}, node ${process.version}; model ${opened.encoder.modelId.slice(0, 12)}.`);
    const prepare = arg('prepare');
    if (argv.includes('--check-encoder')) return await checkEncoder(opened.encoder);
    if (prepare !== undefined) {
      const encoder = new MemoEncoder(opened.encoder);
      const d = prepare === 'WSD' ? await wsdDomain(encoder) : await elevantDomain(encoder);
      await prepareSomDomain(d, encoder, opened.encoder);
      return;
    }
    const data: SomDomainData[] = [];
    for (const name of DOMAINS) {
      const d = await readSomDomain(name, opened.encoder.modelId);
      if (d === undefined) throw new Error(`No SOM cache for ${name} made with this split and the shipped ranker: run node out/bench/som.js --prepare=${name} first.`);
      data.push(d);
    }
    await measure(data, opened.encoder);
  } finally {
    await opened.encoder.dispose();
  }
}

/** The held-out fifth of the training documents that fits the mixing weight. */
const isFitDoc = (doc: number): boolean => doc % 5 === 0;

interface Reduced {
  readonly data: SomDomainData;
  readonly states: TokenStates[];
}

async function measure(data: readonly SomDomainData[], encoder: TextEncoder): Promise<void> {
  const { basis, reduced } = await reducedStates(data);
  for (const r of reduced) {
    const count = (split: string, fit?: boolean): number => r.data.mentions.filter((m) => m.split === split && (fit === undefined || isFitDoc(m.doc) === fit)).length;
    console.log(`${r.data.name}: ${count('train', false)} SOM-training mentions, ${count('train', true)} mixing-fit mentions, ${count('test')} test mentions, ${r.data.texts.length} texts`);
  }
  const { examples, pool } = trainingSet(reduced);
  const init = identityProjections(BASIS, OUT);
  const untrained = reduced.map((r) => evaluate(r, init));
  const rows = new Map<string, number[][]>();
  const add = (name: string, domain: number, v: number): void => {
    const list = rows.get(name) ?? DOMAINS.map(() => []);
    list[domain]!.push(v);
    rows.set(name, list);
  };
  let firstModel: { projections: SomProjections; w: number } | undefined;
  for (const seed of SEEDS) {
    const t = performance.now();
    const r = trainSom(examples, init, { seed, epochs: EPOCHS, scale: SCALE, pool, randomNegatives: RANDOM_NEGATIVES, onEpoch: (e, l) => console.log(`  seed ${seed} epoch ${e}: loss ${l.toFixed(3)} (${secs(performance.now() - t)} s)`) });
    const evals = reduced.map((d) => evaluate(d, r.projections));
    const w = fitMixWeight(evals);
    const perDomainW = evals.map((e) => fitMixWeight([e]));
    console.log(`seed ${seed}: loss ${r.lossBefore.toFixed(3)} -> ${r.lossAfter.toFixed(3)} in ${secs(r.ms)} s; mixing weight w = ${w}, per domain ${perDomainW.join(', ')} (fitted on the training split's held-out fifth)`);
    evals.forEach((e, i) => {
      add('SOM alone (trained)', i, accuracy(e.test, (m) => m.som));
      add('ranker + w * SOM', i, accuracy(e.test, (m) => m.ranker.map((s, k) => s + w * m.som[k]!)));
      add('ranker + w_KB * SOM (w fitted per domain)', i, accuracy(e.test, (m) => m.ranker.map((s, k) => s + perDomainW[i]! * m.som[k]!)));
    });
    firstModel ??= { projections: r.projections, w };
  }
  console.log('');
  console.log(`## Held-out test sets: accuracy over in-KB mentions (gold spans; re-ranking the shipped ranker's top ${TOP_K})`);
  console.log('');
  console.log(`| system | ${reduced.map((r, i) => `${r.data.name} (${untrained[i]!.test.length})`).join(' | ')} |`);
  console.log(`|---|${reduced.map(() => '---:').join('|')}|`);
  console.log(`| shipped ranker alone | ${untrained.map((e) => pct(accuracy(e.test, (m) => m.ranker))).join(' | ')} |`);
  console.log(`| gold in the top ${TOP_K} (ceiling) | ${untrained.map((e) => pct(e.test.filter((m) => m.goldAt.some((g) => g)).length / e.test.length)).join(' | ')} |`);
  console.log(`| SOM alone, untrained (identity on the ${BASIS}-direction basis -> ${OUT}) | ${untrained.map((e) => pct(accuracy(e.test, (m) => m.som))).join(' | ')} |`);
  for (const [name, perDomain] of rows) console.log(`| ${name}, ${SEEDS.length} seeds | ${perDomain.map(meanSd).join(' | ')} |`);
  if (firstModel !== undefined) {
    const model: SomModel = { inDims: basis.dims, outDims: OUT, maxTokens: MAX_TOKENS, scale: SCALE, mixWeight: firstModel.w, source: `bench/som.ts seed ${SEEDS[0]}`, mention: composeProjection(firstModel.projections.mention, OUT, basis), entity: composeProjection(firstModel.projections.entity, OUT, basis) };
    await timing(data, encoder, model);
    const write = arg('write');
    if (write !== undefined) {
      await saveSomModel(path.resolve(write), model);
      console.log(`wrote ${write}`);
    }
  }
}

/**
 * The basis (fitted on up to 600 training texts per domain: SOM-training mentions and their candidates) and
 * every state reduced to it, cached beside the domain caches (reducing ~600,000 tokens takes a minute or two).
 */
async function reducedStates(data: readonly SomDomainData[]): Promise<{ basis: PrincipalBasis; reduced: Reduced[] }> {
  const t = performance.now();
  const file = path.join(SOM_CACHE, `reduced-${data.map((d) => d.name).join('-')}-k${BASIS}.bin`);
  const newest = Math.max(...data.map((d) => statSync(path.join(SOM_CACHE, `${d.name}.json`)).mtimeMs));
  const sizes = data.map((d) => d.states.reduce((a, s) => a + s.tokens * BASIS, 0));
  const dims = data[0]!.states[0]!.dims;
  if (existsSync(file) && statSync(file).mtimeMs > newest) {
    const buf = await readFile(file);
    const all = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    if (all.length === BASIS * dims + 1 + sizes.reduce((a, b) => a + b, 0)) {
      const basis: PrincipalBasis = { rows: all.slice(0, BASIS * dims), k: BASIS, dims, kept: all[BASIS * dims]! };
      let at = BASIS * dims + 1;
      const reduced = data.map((d) => ({
        data: d,
        states: d.states.map((s) => {
          const out = { tokens: s.tokens, dims: BASIS, data: all.subarray(at, at + s.tokens * BASIS) };
          at += s.tokens * BASIS;
          return out;
        }),
      }));
      console.log(`basis: ${BASIS} directions keep ${(100 * basis.kept).toFixed(1)}% of the training tokens' squared norm (reduced states read from the cache in ${secs(performance.now() - t)} s)`);
      return { basis, reduced };
    }
  }
  const sample: TokenStates[] = [];
  for (const d of data) {
    const trainTexts = new Set<number>();
    for (const m of d.mentions) if (m.split === 'train' && !isFitDoc(m.doc)) for (const c of [m.text, ...m.candidates.map((x) => x.text)]) trainTexts.add(c);
    const list = [...trainTexts];
    const n = Math.min(600, list.length);
    for (let i = 0; i < n; i++) sample.push(d.states[list[Math.floor((i * list.length) / n)]!]!);
  }
  const basis = fitPrincipalBasis(sample, BASIS);
  const reduced = data.map((d) => ({ data: d, states: d.states.map((s) => reduceStates(s, basis)) }));
  const out = new Float32Array(BASIS * dims + 1 + sizes.reduce((a, b) => a + b, 0));
  out.set(basis.rows, 0);
  out[BASIS * dims] = basis.kept;
  let at = BASIS * dims + 1;
  for (const r of reduced) for (const s of r.states) {
    out.set(s.data, at);
    at += s.data.length;
  }
  await writeFile(file, new Uint8Array(out.buffer));
  console.log(`basis: ${BASIS} directions keep ${(100 * basis.kept).toFixed(1)}% of the squared norm of ${sample.reduce((a, s) => a + s.tokens, 0)} training tokens; all states reduced in ${secs(performance.now() - t)} s`);
  return { basis, reduced };
}

function trainingSet(reduced: readonly Reduced[]): { examples: SomExample[]; pool: SomPoolEntry[] } {
  const examples: SomExample[] = [];
  const pool: SomPoolEntry[] = [];
  const perDomain = reduced.map((r) => r.data.mentions.filter((m) => m.split === 'train' && !isFitDoc(m.doc)));
  const total = perDomain.reduce((a, l) => a + l.length, 0);
  reduced.forEach((r, di) => {
    const weight = total / (reduced.length * Math.max(1, perDomain[di]!.length));
    const seen = new Set<string>();
    for (const m of perDomain[di]!) {
      const goldIndex = m.candidates.findIndex((c) => m.gold.includes(c.id));
      // Other acceptable ids are no negatives; a gold outside the top-K joins the list.
      const cands = m.candidates.filter((c, k) => k === goldIndex || !m.gold.includes(c.id));
      const states = cands.map((c) => r.states[c.text]!);
      const ids = cands.map((c) => c.id);
      let gold = cands.findIndex((c) => m.gold.includes(c.id));
      if (gold < 0) {
        if (m.goldText === undefined) continue;
        states.push(r.states[m.goldText]!);
        ids.push(m.gold[0]!);
        gold = states.length - 1;
      }
      const offsets = RESIDUAL ? [...cands.map((c) => c.score), ...(states.length > cands.length ? [Math.min(...cands.map((c) => c.score))] : [])] : undefined;
      examples.push({ mention: r.states[m.text]!, candidates: states, gold, ids, weight, group: r.data.name, ...(offsets === undefined ? {} : { offsets }) });
      for (const c of m.candidates) {
        if (!seen.has(c.id)) pool.push({ id: c.id, states: r.states[c.text]!, group: r.data.name });
        seen.add(c.id);
      }
    }
  });
  return { examples, pool };
}

interface ScoredMention {
  readonly ranker: readonly number[];
  readonly som: readonly number[];
  readonly goldAt: readonly boolean[];
}

/** SOM (mean of the maxima) of every mention's top-K under `p`, for the mixing-fit and the test mentions. */
function evaluate(r: Reduced, p: SomProjections): { fit: ScoredMention[]; test: ScoredMention[] } {
  const projected = new Map<string, TokenStates>();
  const proj = (text: number, side: 'mention' | 'entity'): TokenStates => {
    const key = `${side}${text}`;
    let s = projected.get(key);
    if (s === undefined) {
      s = projectStates(r.states[text]!, p[side], p.outDims);
      projected.set(key, s);
    }
    return s;
  };
  const score = (m: SomMentionRecord): ScoredMention => {
    const q = proj(m.text, 'mention');
    return { ranker: m.candidates.map((c) => c.score), som: m.candidates.map((c) => sumOfMax(q, proj(c.text, 'entity')) / Math.max(1, q.tokens)), goldAt: m.candidates.map((c) => m.gold.includes(c.id)) };
  };
  return { fit: r.data.mentions.filter((m) => m.split === 'train' && isFitDoc(m.doc)).map(score), test: r.data.mentions.filter((m) => m.split === 'test').map(score) };
}

function accuracy(mentions: readonly ScoredMention[], scores: (m: ScoredMention) => readonly number[]): number {
  let right = 0;
  for (const m of mentions) {
    const s = scores(m);
    let best = 0;
    for (let k = 1; k < s.length; k++) if (s[k]! > s[best]!) best = k;
    if (s.length > 0 && m.goldAt[best]) right++;
  }
  return mentions.length === 0 ? 0 : right / mentions.length;
}

/** w maximising the mean log-likelihood of the gold among the top-K (domains weigh the same) on the fit mentions. */
function fitMixWeight(evals: readonly { fit: readonly ScoredMention[] }[]): number {
  let best = 0;
  let bestLl = -Infinity;
  for (const w of MIX_GRID) {
    let ll = 0;
    for (const e of evals) {
      const usable = e.fit.filter((m) => m.goldAt.some((g) => g));
      let sum = 0;
      for (const m of usable) {
        const z = m.ranker.map((s, k) => s + w * m.som[k]!);
        const max = Math.max(...z);
        const lse = max + Math.log(z.reduce((a, x) => a + Math.exp(x - max), 0));
        sum += Math.max(...z.filter((_, k) => m.goldAt[k])) - lse;
      }
      ll += usable.length === 0 ? 0 : sum / usable.length;
    }
    if (ll > bestLl + 1e-9) {
      bestLl = ll;
      best = w;
    }
  }
  return best;
}

/** Time per mention and per document of the SOM re-ranker (512-d states, composed projections) on test mentions. */
async function timing(data: readonly SomDomainData[], encoder: TextEncoder, model: SomModel): Promise<void> {
  console.log('');
  console.log(`## Time of SOM re-ranking (encode the mention's token states, the uncached candidates' (cold) or none (warm), score ${TOP_K})`);
  console.log('');
  console.log('| domain | mentions timed | cold ms / mention | warm ms / mention | in-KB mentions / test document | shipped linker s / test document (all gold spans, prepare run) |');
  console.log('|---|---:|---:|---:|---:|---:|');
  for (const d of data) {
    const test = d.mentions.filter((m) => m.split === 'test').slice(0, 150);
    const reranker = new SomReranker(model, encoder);
    const run = async (): Promise<number> => {
      const t = performance.now();
      for (const m of test) await reranker.scores(d.texts[m.text]!, m.candidates.map((c) => ({ text: d.texts[c.text]! })));
      return (performance.now() - t) / test.length;
    };
    const cold = await run();
    const warm = await run();
    const docs = new Set(d.mentions.filter((m) => m.split === 'test').map((m) => m.doc)).size;
    const perDoc = d.mentions.filter((m) => m.split === 'test').length / Math.max(1, d.linkSeconds.length);
    const linkPerDoc = d.linkSeconds.reduce((a, b) => a + b, 0) / Math.max(1, d.linkSeconds.length);
    console.log(`| ${d.name} | ${test.length} | ${cold.toFixed(1)} | ${warm.toFixed(1)} | ${perDoc.toFixed(1)} (${docs} documents with one) | ${linkPerDoc.toFixed(2)} |`);
  }
}

async function checkEncoder(fp32: TextEncoder): Promise<void> {
  const int8 = (await openEncoder({ packageRoot: ROOT, provider: 'cpu', precision: 'int8', logger: silentLogger })).encoder;
  try {
    const texts = ['Steve Jobs co-founded [ Apple ] in 1976 .', 'Apple Inc. | American technology company', 'apple | fruit of the apple tree', ''];
    const a = await fp32.encodeTokens!(texts);
    const b = await int8.encodeTokens!(texts);
    const cos = (x: Float32Array, y: Float32Array): number => {
      let d = 0, nx = 0, ny = 0;
      for (let i = 0; i < x.length; i++) {
        d += x[i]! * y[i]!;
        nx += x[i]! * x[i]!;
        ny += y[i]! * y[i]!;
      }
      return d / Math.sqrt(nx * ny);
    };
    texts.forEach((t, i) => {
      const per = Array.from({ length: a[i]!.tokens }, (_, k) => cos(a[i]!.data.subarray(k * 512, (k + 1) * 512), b[i]!.data.subarray(k * 512, (k + 1) * 512)));
      console.log(`${JSON.stringify(t)}: ${a[i]!.tokens} tokens fp32, ${b[i]!.tokens} int8, ${a[i]!.dims}-d; per-token cosine fp32 vs int8 min ${Math.min(...per).toFixed(4)}`);
    });
  } finally {
    await int8.dispose();
  }
}

function meanSd(v: readonly number[]): string {
  const mean = v.reduce((a, b) => a + b, 0) / v.length;
  const sd = Math.sqrt(v.reduce((a, b) => a + (b - mean) ** 2, 0) / Math.max(1, v.length - 1));
  return `${(100 * mean).toFixed(2)} ± ${(100 * sd).toFixed(2)}`;
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
