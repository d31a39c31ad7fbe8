/**
 * Offline probes of exemplar-memory variants for WSD (session 6), chosen on the TRAINING sets only.
 *
 *   node out/bench/wsdProbe.js --prepare     links every WSD mention (train semeval2013 + semeval2015 + senseval3,
 *                                            test senseval2 + semeval2007) once with the shipped weights and no
 *                                            learned state, and caches per mention its candidates' feature rows,
 *                                            its in-context vector and its gold (.cache/bench/wsd-probe.json)
 *                                            and (session 10) each mention's target-word vector (the mean USE-lite
 *                                            token state at the mention's own pieces: src/core/learning/targetTokens.ts)
 *                                            and each candidate's gloss vector (mean token state of its entity text)
 *                                            for the LMMS-style variants tcentroid, tcentred, mix, tgloss, gloss
 *   node out/bench/wsdProbe.js --cv [--folds=5]   k-fold cross-validation by document over the TRAINING sets: each
 *                                            fold scored with the exemplars of the other folds, per variant of the
 *                                            exemplar signal, through the shipped senses profile (its `exemplar`
 *                                            column replaced by the variant's value times a weight from a grid)
 *   node out/bench/wsdProbe.js --cv --by-set --self=0.5,1.01   + self-exemplars: a text's confident predictions as
 *                                            exemplars for its other mentions (1.01: none, the control);
 *                                            --self-zero: without the other folds' gold exemplars
 *   --weights=0,1,2.27,4 (with --cv)          the exemplar weights tried (default: a grid with the shipped weight)
 *   --unit=text (with any of these)          each Raganato <text> one document instead of each sentence (own cache)
 *   node out/bench/wsdProbe.js --test=VARIANT:WEIGHT[,...]   the same scoring on the test sets with the exemplars
 *                                            of all training documents (report once per chosen setting)
 *
 * Not the linker (coherence is as linked without exemplars): a fast ranking of the variants; the chosen one is
 * then measured through the linker (bench/wsdExemplars.ts).
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import { Linker } from '../src/core/linker/linker';
import { DEFAULT_RANKER_WEIGHTS, FEATURE_NAMES, compileRanker, compiledScore } from '../src/core/linker/ranker';
import { rankerForKind } from '../src/core/linker/rankerProfiles';
import { DEFAULT_TEMPLATE, entityText, mentionText } from '../src/core/linker/textTemplates';
import { wordnetFormPriorOf } from '../src/core/linker/wordnetSenseCounts';
import { meanState, targetTokenMean } from '../src/core/learning/targetTokens';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { leakFreeTraining } from '../src/core/training/leakFreeTraining';
import { CACHE, DATA, ROOT, openWordNet, secs } from './benchData';
import { MemoEncoder } from './qualityLinkers';

const argv = process.argv.slice(2);
const arg = (name: string): string | undefined => argv.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
// --unit=text: each Raganato <text> is one document (sentences joined by a space: contexts and coherence span
// them); --unit=paragraphs: the same with each sentence its own paragraph (contexts stay in the sentence).
const UNIT_ARG = arg('unit') ?? 'sentence';
if (!['sentence', 'text', 'paragraphs'].includes(UNIT_ARG)) throw new Error(`--unit=${UNIT_ARG}: expected sentence, text or paragraphs.`);
const UNIT = UNIT_ARG === 'sentence' ? 'sentence' : 'text';
const FILE = path.join(CACHE, UNIT_ARG === 'sentence' ? 'wsd-probe.json' : `wsd-probe-${UNIT_ARG}.json`);

/** Sentence documents of one text joined as paragraphs (blank lines), mention offsets shifted; ids are the texts'. */
function textsOfParagraphs(sentences: readonly GoldDocument[]): GoldDocument[] {
  const byText = new Map<string, GoldDocument[]>();
  for (const d of sentences) byText.set(d.group ?? d.id, [...(byText.get(d.group ?? d.id) ?? []), d]);
  return [...byText].map(([group, ds]) => {
    let text = '';
    const mentions: GoldDocument['mentions'][number][] = [];
    for (const d of ds) {
      if (text.length > 0) text += '\n\n';
      mentions.push(...d.mentions.map((m) => ({ ...m, start: m.start + text.length, end: m.end + text.length })));
      text += d.text;
    }
    return { ...ds[0], id: group.slice(group.indexOf('/') + 1), text, mentions, group: undefined };
  });
}
const readUnits = async (name: string): Promise<GoldDocument[]> => {
  const docs = await readGold(path.join(DATA, 'wsd', name), 'wsd', { wsdUnit: UNIT_ARG === 'paragraphs' ? 'sentence' : UNIT });
  return UNIT_ARG === 'paragraphs' ? textsOfParagraphs(docs) : docs;
};
const TRAIN = ['semeval2013', 'semeval2015', 'senseval3'];
const TEST = ['senseval2', 'semeval2007'];
const EXEMPLAR = FEATURE_NAMES.indexOf('exemplar');

interface ProbeMention {
  readonly set: string;
  readonly doc: string;
  readonly ids: readonly string[];
  readonly rows: readonly (readonly number[])[];
  /** Index of the gold candidate in `ids`; -1 when not among them (counted wrong). */
  readonly gold: number;
  readonly vector: string;
  /** Mean of the encoder's token states at the target word's tokens (LMMS-style), base64 float32; '' when none. */
  readonly tokens?: string;
}

interface Mention extends Omit<ProbeMention, 'vector' | 'tokens'> {
  readonly v: Float32Array;
  /** The target tokens' mean state (zero-length when the cache has none). */
  readonly t: Float32Array;
}

const b64 = (v: Float32Array): string => Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64');
const unb64 = (s: string): Float32Array => { const b = Buffer.from(s, 'base64'); return new Float32Array(b.buffer, b.byteOffset, b.length / 4).slice(); };

async function prepare(): Promise<void> {
  const opened = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  try {
    const encoder = new MemoEncoder(opened.encoder);
    const sets = Object.fromEntries(await Promise.all([...TRAIN, ...TEST].map(async (n) => [n, await readUnits(n)] as const)));
    const w = await openWordNet(encoder, Object.values(sets).flat());
    const formPrior = await wordnetFormPriorOf(w.kb.entities);
    const linker = new Linker({ kb: w.kb, encoder, rankerWeights: DEFAULT_RANKER_WEIGHTS, entityVector: w.vectors.of, entityPrior: w.prior, ...(formPrior === undefined ? {} : { formPrior }) });
    const out: ProbeMention[] = [];
    // The built-in encoder's tokenizer, behind loadEncoder's shared handle (this probe reads USE-lite only).
    const inner = (opened.encoder as unknown as { inner?: { tokenize?(text: string): number[] } }).inner;
    if (inner?.tokenize === undefined) throw new Error('wsdProbe: the encoder has no tokenize (the built-in USE-lite model is expected).');
    const tokenizer = { tokenize: (text: string): number[] => inner.tokenize!(text) };
    let unplaced = 0;
    const glossIds = new Set<string>();
    for (const [set, docs] of Object.entries(sets)) {
      const t = performance.now();
      for (const doc of docs) {
        const ms = doc.mentions.map((m) => ({ m, given: w.candidatesFor(m), gold: w.mapGold(m) })).filter((x) => x.given !== undefined && x.gold.status === 'in-kb');
        if (ms.length === 0) continue;
        const linked = await linker.linkSpans(doc.text, ms.map((x) => ({ start: x.m.start, end: x.m.end, candidateIds: x.given! })), { topK: 10000, mentionVectors: true });
        const states = await opened.encoder.encodeTokens!(ms.map((x) => mentionText(doc.text, x.m, DEFAULT_TEMPLATE)));
        linked.forEach((l, i) => {
          const goldIds = ms[i].gold.status === 'in-kb' ? (ms[i].gold as { ids: readonly string[] }).ids : [];
          const v = Float32Array.from(l.vector ?? []);
          out.push({
            set,
            doc: `${set}/${doc.id}`,
            ids: l.candidates.map((c) => c.id),
            rows: l.candidates.map((c) => [...(c.features ?? [])]),
            gold: l.candidates.findIndex((c) => goldIds.includes(c.id)),
            vector: Buffer.from(v.buffer).toString('base64'),
            tokens: b64(targetTokenMean(tokenizer, mentionText(doc.text, ms[i].m, DEFAULT_TEMPLATE), DEFAULT_TEMPLATE.markers, states[i]) ?? (unplaced++, new Float32Array(0))),
          });
          for (const c of l.candidates) glossIds.add(c.id);
        });
      }
      console.log(`${set}: ${docs.length} documents linked in ${secs(performance.now() - t)} s`);
    }
    // Each candidate's gloss as the encoder reads an entity, its token states' mean (LMMS's gloss embedding).
    const ids = [...glossIds];
    const glossStates = await opened.encoder.encodeTokens!(ids.map((id) => entityText(w.kb.entities[w.kb.rowOf(id)!], DEFAULT_TEMPLATE)), { batchSize: 64 });
    const glosses = Object.fromEntries(ids.map((id, i) => [id, b64(meanState(glossStates[i], 0, glossStates[i].tokens))]));
    await mkdir(CACHE, { recursive: true });
    await writeFile(FILE, JSON.stringify({ features: FEATURE_NAMES, mentions: out, glosses }));
    console.log(`${out.length} mentions cached in ${path.relative(ROOT, FILE)} (${unplaced} without target tokens), ${ids.length} glosses`);
  } finally {
    await opened.encoder.dispose();
  }
}

/** Per sense: its exemplars' unit vectors. */
type Store = Map<string, Float32Array[]>;

function unit(v: Float32Array): Float32Array {
  let n = 0;
  for (const x of v) n += x * x;
  n = Math.sqrt(n);
  return n > 0 ? v.map((x) => x / n) : v;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let k = 0; k < a.length; k++) s += a[k] * b[k];
  return s;
}

/** Each store carries the same exemplars' target-token vectors as `tokens` (LMMS-style). */
function storeOf(ms: readonly Mention[], of: (m: Mention) => Float32Array = (m) => m.v): Store & { tokens?: Store } {
  const s: Store & { tokens?: Store } = new Map();
  for (const m of ms) {
    const v = of(m);
    if (m.gold < 0 || v.length === 0) continue;
    const id = m.ids[m.gold];
    const list = s.get(id) ?? [];
    list.push(unit(v));
    s.set(id, list);
  }
  if (of !== tokenOf) s.tokens = storeOf(ms, tokenOf);
  return s;
}
const tokenOf = (m: Mention): Float32Array => m.t;
/** Per candidate id, its gloss's mean token state (unit), when the cache has them. */
const GLOSSES = new Map<string, Float32Array>();
/** A variant read on the target-token vectors (mention and store) instead of the in-context sentence vectors. */
const onTokens = (variant: Variant): Variant => (m, s) => (m.t.length === 0 ? m.ids.map(() => 0) : variant({ ...m, v: m.t }, (s as Store & { tokens?: Store }).tokens ?? new Map()));

/** A variant: per candidate of a mention, the value that replaces the `exemplar` column (0 without exemplars). */
type Variant = (m: Mention, store: Store) => number[];

const centroidCos = (v: Float32Array, list: readonly Float32Array[]): number => {
  const c = new Float32Array(v.length);
  for (const e of list) for (let k = 0; k < c.length; k++) c[k] += e[k];
  const n = Math.sqrt(dot(c, c));
  return n > 0 ? dot(unit(v), c) / n : 0;
};
const sims = (v: Float32Array, list: readonly Float32Array[]): number[] => {
  const u = unit(v);
  return list.map((e) => dot(u, e)).sort((a, b) => b - a);
};

const VARIANTS: Record<string, Variant> = {
  none: (m) => m.ids.map(() => 0),
  centroid: (m, s) => m.ids.map((id) => (s.has(id) ? centroidCos(m.v, s.get(id)!) : 0)),
  max: (m, s) => m.ids.map((id) => (s.has(id) ? sims(m.v, s.get(id)!)[0] : 0)),
  top2: (m, s) => m.ids.map((id) => { const x = s.has(id) ? sims(m.v, s.get(id)!).slice(0, 2) : []; return x.length === 0 ? 0 : x.reduce((a, b) => a + b, 0) / x.length; }),
  top3: (m, s) => m.ids.map((id) => { const x = s.has(id) ? sims(m.v, s.get(id)!).slice(0, 3) : []; return x.length === 0 ? 0 : x.reduce((a, b) => a + b, 0) / x.length; }),
  // The centroid cosine plus its margin over the best of the mention's other candidates with exemplars (the cosine alone when none has).
  margin: (m, s) => {
    const c = VARIANTS.centroid(m, s);
    const has = m.ids.map((id) => s.has(id));
    return c.map((x, i) => {
      if (!has[i]) return 0;
      const others = c.filter((_, j) => j !== i && has[j]);
      return others.length === 0 ? x : x - Math.max(...others) + x;
    });
  },
  // The centroid cosine minus the mean over the mention's candidates with exemplars, plus the mean (per-lemma centring kept positive).
  centred: (m, s) => {
    const c = VARIANTS.centroid(m, s);
    const has = m.ids.map((id) => s.has(id));
    const vals = c.filter((_, i) => has[i]);
    const mean = vals.length === 0 ? 0 : vals.reduce((a, b) => a + b, 0) / vals.length;
    return c.map((x, i) => (has[i] ? 2 * x - mean : 0));
  },
  // The centroid cosine shrunk by the sense's exemplar count: n / (n + 1).
  shrunk: (m, s) => VARIANTS.centroid(m, s).map((x, i) => { const n = s.get(m.ids[i])?.length ?? 0; return (x * n) / (n + 1); }),
  // Centred, then shrunk by the count.
  centredShrunk: (m, s) => VARIANTS.centred(m, s).map((x, i) => { const n = s.get(m.ids[i])?.length ?? 0; return (x * n) / (n + 1); }),
  // LMMS-style: the centroid of the exemplars' target-token vectors (mean state at the word's own tokens).
  tcentroid: (m, s) => onTokens(VARIANTS.centroid)(m, s),
  tcentred: (m, s) => onTokens(VARIANTS.centred)(m, s),
  // The mean of the sentence and target-token centroid cosines (0 where the sense has no exemplars).
  mix: (m, s) => { const a = VARIANTS.centroid(m, s); const b = VARIANTS.tcentroid(m, s); return a.map((x, i) => (x + b[i]) / 2); },
  // The target-token centroid; a sense without exemplars falls back to its gloss's mean token state (LMMS's gloss embedding).
  tgloss: (m, s) => { const b = VARIANTS.tcentroid(m, s); const t = unit(m.t); return b.map((x, i) => (x !== 0 || m.t.length === 0 ? x : GLOSSES.has(m.ids[i]) ? dot(t, GLOSSES.get(m.ids[i])!) : 0)); },
  // The gloss's mean token state alone, every sense (LMMS's gloss embedding, no exemplars).
  gloss: (m) => { const t = unit(m.t); return m.ids.map((id) => (m.t.length === 0 || !GLOSSES.has(id) ? 0 : dot(t, GLOSSES.get(id)!))); },
  // The training sets' sense frequency among the lemma's senses (add-one smoothed).
  count: (m, s) => {
    const n = m.ids.map((id) => s.get(id)?.length ?? 0);
    const tot = n.reduce((a, b) => a + b, 0) + m.ids.length;
    return n.map((x) => (x + 1) / tot);
  },
};

function accuracy(ms: readonly Mention[], store: Store, variant: Variant, weight: number, extra?: { variant: Variant; weight: number }): number {
  const profile = compileRanker(rankerForKind(DEFAULT_RANKER_WEIGHTS, 'senses'));
  let right = 0;
  for (const m of ms) {
    const x = variant(m, store);
    const y = extra?.variant(m, store);
    let best = -1;
    let bestScore = -Infinity;
    m.rows.forEach((r, i) => {
      const row = r.map((f, k) => (k === EXEMPLAR ? 0 : f));
      const s = compiledScore(profile, row) + weight * x[i] + (extra === undefined ? 0 : extra.weight * y![i]);
      if (s > bestScore) { bestScore = s; best = i; }
    });
    if (best === m.gold && m.gold >= 0) right++;
  }
  return right / ms.length;
}

/** The shipped senses profile's scores of a mention's candidates with `x` as the exemplar column. */
function scoresWith(profile: ReturnType<typeof compileRanker>, m: Mention, x: readonly number[], weight: number): number[] {
  return m.rows.map((r, i) => compiledScore(profile, r.map((f, k) => (k === EXEMPLAR ? 0 : f))) + weight * x[i]);
}

/**
 * Self-exemplars (transductive, no gold): pass 1 ranks with the store's centroids; each top whose softmax
 * probability is at least `threshold` (of a mention with two or more senses) becomes an exemplar of its sense for
 * the OTHER mentions of the same text (a Raganato <text>); pass 2 ranks with the store's and the text's exemplars.
 * Right answers of pass 2.
 */
function selfExemplarRight(ms: readonly Mention[], store: Store, weight: number, threshold: number): number {
  const profile = compileRanker(rankerForKind(DEFAULT_RANKER_WEIGHTS, 'senses'));
  const textOf = (m: Mention): string => m.doc.replace(/\.s\d+$/, '');
  const tops = ms.map((m) => {
    const s = scoresWith(profile, m, VARIANTS.centroid(m, store), weight);
    const max = Math.max(...s);
    const z = s.reduce((a, x) => a + Math.exp(x - max), 0);
    return { best: s.indexOf(max), p: 1 / z };
  });
  const pseudo = new Map<string, { i: number; v: Float32Array }[]>();
  ms.forEach((m, i) => {
    if (tops[i].p < threshold || m.ids.length < 2) return;
    const key = `${textOf(m)}|${m.ids[tops[i].best]}`;
    pseudo.set(key, [...(pseudo.get(key) ?? []), { i, v: unit(m.v) }]);
  });
  let right = 0;
  ms.forEach((m, i) => {
    const x = m.ids.map((id) => {
      const list = [...(store.get(id) ?? []), ...(pseudo.get(`${textOf(m)}|${id}`) ?? []).filter((e) => e.i !== i).map((e) => e.v)];
      return list.length === 0 ? 0 : centroidCos(m.v, list);
    });
    const s = scoresWith(profile, m, x, weight);
    if (m.gold >= 0 && s.indexOf(Math.max(...s)) === m.gold) right++;
  });
  return right;
}

async function load(): Promise<Mention[]> {
  const json = JSON.parse(await readFile(FILE, 'utf8')) as { features: string[]; mentions: ProbeMention[]; glosses?: Record<string, string> };
  if (json.features.join() !== FEATURE_NAMES.join()) throw new Error(`${FILE} was made with other features; run --prepare again.`);
  // Training documents whose text is a test document's are left out (src/core/training/leakFreeTraining.ts).
  const read = async (names: readonly string[]): Promise<GoldDocument[]> => (await Promise.all(names.map((n) => readGold(path.join(DATA, 'wsd', n), 'wsd', { wsdUnit: UNIT })))).flat();
  const testDocs = await read(TEST);
  const split = leakFreeTraining(await read(TRAIN), testDocs);
  const kept = new Set([...split.train, ...testDocs].map((d) => d.id));
  for (const [id, g] of Object.entries(json.glosses ?? {})) GLOSSES.set(id, unit(unb64(g)));
  return json.mentions.filter((m) => kept.has(m.doc.slice(m.doc.indexOf('/') + 1))).map(({ vector, tokens, ...m }) => ({ ...m, v: unb64(vector), t: unb64(tokens ?? '') }));
}

/** The `exemplar` weights tried, with the shipped senses profile's own among them. */
const SHIPPED_EXEMPLAR = rankerForKind(DEFAULT_RANKER_WEIGHTS, 'senses').weights.exemplar ?? 0;
const WEIGHTS = arg('weights')?.split(',').map(Number) ?? [...new Set([0, 1, 1.5, 2, SHIPPED_EXEMPLAR, 2.5, 3, 4, 5, 6, 8, 10])].sort((a, b) => a - b);

async function cv(): Promise<void> {
  const all = await load();
  const train = all.filter((m) => TRAIN.includes(m.set));
  const folds = Number(arg('folds') ?? 5);
  // Folds by whole document (a Raganato "document" id is a sentence, d000.s000: its document is d000).
  const docOf = (m: Mention): string => m.doc.replace(/\.s\d+$/, '');
  const docs = [...new Set(train.map(docOf))];
  // --by-set: each training set is a fold scored with the other two sets' exemplars (another corpus, as at test time).
  const bySet = argv.includes('--by-set');
  const foldOf = new Map(bySet ? train.map((m) => [docOf(m), TRAIN.indexOf(m.set)]) : docs.map((d, i) => [d, i % folds]));
  const k = bySet ? TRAIN.length : folds;
  const parts = Array.from({ length: k }, (_, f) => ({ test: train.filter((m) => foldOf.get(docOf(m)) === f), store: storeOf(train.filter((m) => foldOf.get(docOf(m)) !== f)) }));
  console.log(`CV: ${train.length} training mentions, ${docs.length} documents, ${k} folds (${bySet ? 'one per training set' : 'documents round-robin'}).`);
  for (const p of parts) console.log(`fold of ${p.test.length} mentions: ${[...new Set(p.test.map((m) => m.set))].join(', ')}`);
  const pooled = (variant: Variant, weight: number, extra?: { variant: Variant; weight: number }): number => parts.reduce((a, p) => a + accuracy(p.test, p.store, variant, weight, extra) * p.test.length, 0) / train.length;
  const only = arg('variants')?.split(',') ?? Object.keys(VARIANTS);
  for (const name of only) {
    const accs = WEIGHTS.map((w) => pooled(VARIANTS[name], w));
    const b = accs.indexOf(Math.max(...accs));
    console.log(`| ${name} | ${accs.map((a) => (100 * a).toFixed(2)).join(' | ')} | best w ${WEIGHTS[b]} ${(100 * accs[b]).toFixed(2)} |`);
  }
  const pairs = arg('pairs')?.split(',') ?? [];
  for (const p of pairs) {
    const [a, b] = p.split('+');
    let best = { acc: 0, wa: 0, wb: 0 };
    for (const wa of WEIGHTS) for (const wb of [0, 0.5, 1, 2, 4]) {
      const acc = pooled(VARIANTS[a], wa, { variant: VARIANTS[b], weight: wb });
      if (acc > best.acc) best = { acc, wa, wb };
    }
    console.log(`| ${a} + ${b} | best ${a} ${best.wa}, ${b} ${best.wb}: ${(100 * best.acc).toFixed(2)} |`);
  }
  // --self=T[,T]: self-exemplars from each text's confident predictions (selfExemplarRight), per fold and pooled.
  for (const t of (arg('self') ?? '').split(',').filter((x) => x !== '').map(Number)) {
    // --self-zero: without the other folds' exemplars (the zero-shot linker plus the text's own).
    const rights = parts.map((p) => selfExemplarRight(p.test, argv.includes('--self-zero') ? new Map() : p.store, SHIPPED_EXEMPLAR, t));
    console.log(`| self-exemplars p >= ${t} | ${(100 * rights.reduce((a, b) => a + b, 0) / train.length).toFixed(2)} | ${parts.map((p, i) => `${(100 * rights[i] / p.test.length).toFixed(2)}`).join(' | ')} |`);
  }
}

async function test(spec: string): Promise<void> {
  const all = await load();
  const store = storeOf(all.filter((m) => TRAIN.includes(m.set)));
  const tst = all.filter((m) => TEST.includes(m.set));
  for (const s of spec.split(',')) {
    const [name, w] = s.split(':');
    const per = TEST.map((t) => `${t} ${(100 * accuracy(tst.filter((m) => m.set === t), store, VARIANTS[name], Number(w))).toFixed(2)}`).join(', ');
    console.log(`test ${name} w ${w}: ${(100 * accuracy(tst, store, VARIANTS[name], Number(w))).toFixed(2)} (${per}; ${tst.length} mentions)`);
  }
}

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`wsdProbe: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  if (argv.includes('--prepare')) await prepare();
  if (argv.includes('--cv')) await cv();
  const t = arg('test');
  if (t !== undefined) await test(t);
}

void main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
