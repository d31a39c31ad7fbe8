/**
 * Candidate recall of each retriever alone and fused, on clean text and on text with spelling noise.
 *
 *   node --expose-gc out/bench/retrievalRecall.js [--seeds=1,2,3] [--quick] [--dense-ef=N]
 *
 * elevant (every *.benchmark.jsonl) against wiki11k, gold spans given, gold mapped by title as bench/quality.ts
 * does; only in-KB mentions are linked (recall is over them). The noisy variant runs every document through
 * bench/spellingNoise.ts (archaic and OCR edits in mentions and contexts alike; one table per seed).
 *
 * Rows, each ranked list cut at 64:
 * - dense: the product's dense retrieval (in-context and bare-name queries against the HNSW index, 64 each),
 *   ordered by the in-context cosine alone (the bare bi-encoder);
 * - token lexical: minisearch BM25 with fuzzy terms over the names (LexicalIndex.retrieve), its own order;
 * - n-gram: the character n-gram retriever (NgramIndex.retrieve, cosine >= 0.2), its own order;
 * - trigram TF-IDF: the plain baseline of issue 10 (bench/trigramTfidf.ts), its own order;
 * - hybrid: the Linker with dense + token retrievers (64 + 64, n-gram off: the code before the n-gram retriever),
 *   ranked by the model folder's ranker;
 * - hybrid + n-gram: the same with 64 n-gram candidates added;
 * - the two hybrids again at the LinkerOptions defaults (dense 32, lexical 16, n-gram 16).
 * For the hybrids, "in pool" is the share of mentions whose gold is anywhere in the fused candidate pool
 * (mean size "pool size"): the recall a perfect ranker would reach.
 * Also printed: n-gram index build time and size on wiki11k and WordNet (all parts of speech), and the query
 * time of the three name retrievers.
 */
import { existsSync, readdirSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { evaluate } from '../src/core/eval/evaluate';
import { createGoldMapper } from '../src/core/formats/goldMapping';
import type { GoldMapper } from '../src/core/formats/goldMapping';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { readGold } from '../src/core/formats/goldFormat';
import type { KnowledgeBase } from '../src/core/kb/knowledgeBase';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { parseSourceArg } from '../src/core/kb/sniffFormat';
import { LexicalIndex } from '../src/core/linker/lexicalIndex';
import { Linker } from '../src/core/linker/linker';
import type { LinkerOptions } from '../src/core/linker/linker';
import { NgramIndex } from '../src/core/linker/ngramIndex';
import type { DocumentLinker, LinkedMention, LinkOptions, RankedCandidate, SpanRequest } from '../src/core/linker/types';
import { silentLogger } from '../src/core/log';
import { openLinkingSession } from '../src/core/session/linkingSession';
import type { LinkingSession } from '../src/core/session/linkingSession';
import { MemoEncoder } from './qualityLinkers';
import { pct } from './qualityTables';
import { DEFAULT_NOISE, noisyDocument } from './spellingNoise';
import { TrigramTfidf } from './trigramTfidf';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const TOP_K = 64;
const argv = process.argv.slice(2);
const QUICK = argv.includes('--quick');
const seedsArg = argv.find((a) => a.startsWith('--seeds='));
const SEEDS = seedsArg === undefined ? [DEFAULT_NOISE.seed] : seedsArg.slice('--seeds='.length).split(',').map(Number);
/** --dense-ef=N: the linkers' LinkerOptions.denseEfSearch (default: the Linker's default). */
const DENSE_EF = argv.find((a) => a.startsWith('--dense-ef='))?.slice('--dense-ef='.length);

/** A retriever's own ranked KB rows for one mention. */
type Retrieve = (mention: string) => readonly number[];

interface Mode {
  readonly name: string;
  readonly linker: DocumentLinker;
  /** For the Linker modes: how often the gold is anywhere in the candidate pool (what a ranker could reach). */
  readonly pool?: PoolRecall;
}

interface Row {
  readonly mode: string;
  readonly recall: readonly [number, number, number];
  readonly pool: number | undefined;
  readonly poolSize: number | undefined;
  readonly msPerMention: number;
}

/**
 * Asks the Linker for its whole candidate pool, passes the top 64 on, and counts the spans whose gold is
 * anywhere in the pool. `gold` is set per evaluation: the mapped gold ids by document text and span.
 */
class PoolRecall implements DocumentLinker {
  gold = new Map<string, readonly string[]>();
  found = 0;
  spans = 0;
  candidates = 0;

  constructor(private readonly inner: Linker) {}

  async linkSpans(text: string, spans: readonly SpanRequest[], options: LinkOptions = {}): Promise<LinkedMention[]> {
    const linked = await this.inner.linkSpans(text, spans, { ...options, topK: 100000 });
    return linked.map((m) => {
      const gold = this.gold.get(goldKey(text, m.start, m.end)) ?? [];
      this.spans++;
      this.candidates += m.candidates.length;
      if (m.candidates.some((c) => gold.includes(c.id))) this.found++;
      return { ...m, candidates: m.candidates.slice(0, options.topK ?? TOP_K) };
    });
  }

  linkDocument(text: string, options?: LinkOptions): Promise<LinkedMention[]> {
    return this.inner.linkDocument(text, options);
  }

  reset(docs: readonly GoldDocument[], mapGold: GoldMapper): void {
    this.gold = new Map(docs.flatMap((d) => d.mentions.map((m) => [goldKey(d.text, m.start, m.end), mapGold(m).ids] as const)));
    this.found = 0;
    this.spans = 0;
    this.candidates = 0;
  }
}

function goldKey(text: string, start: number, end: number): string {
  return `${start}:${end}:${text}`;
}

function pooled(name: string, linker: Linker): Mode {
  const pool = new PoolRecall(linker);
  return { name, linker: pool, pool };
}

async function main(): Promise<void> {
  const dir = path.join(DATA, 'elevant');
  const kbFile = path.join(DATA, 'wiki11k/Wiki.txt');
  if (!existsSync(dir) || !existsSync(kbFile)) {
    console.log(`retrieval bench: no shared data at ${DATA} (elevant/ and wiki11k/Wiki.txt expected); nothing measured.`);
    return;
  }
  const t = performance.now();
  const session = await openLinkingSession({
    kbSources: [{ path: kbFile, format: 'brat' }],
    strict: false,
    packageRoot: ROOT,
    provider: 'cpu',
    cacheDir: path.join(ROOT, '.cache/bench/session'),
    logger: silentLogger,
  });
  try {
    const { kb } = session;
    console.log('# Candidate retrieval recall (bench/retrievalRecall.ts)');
    console.log('');
    console.log(
      `${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}; ` +
        `KB wiki11k (${kb.size} entities), model ${path.relative(ROOT, session.modelDir)}, index ${session.indexAction}; ` +
        `ranker ${session.rankerWeights.source ?? '?'}; dense efSearch ${DENSE_EF ?? 'the linker default'}; set-up ${secs(performance.now() - t)} s; noise ${JSON.stringify({ ...DEFAULT_NOISE, seed: undefined })}.`,
    );
    const mapGold = createGoldMapper(kb, { kind: 'title' });
    let files = readdirSync(dir).filter((f) => f.endsWith('.benchmark.jsonl')).sort();
    if (QUICK) files = files.filter((f) => f.startsWith('derczynski') || f.startsWith('news-fair'));
    const docs: GoldDocument[] = [];
    for (const f of files) docs.push(...inKbOnly(await readGold(path.join(dir, f), 'elevant'), mapGold, f.replace('.benchmark.jsonl', '')));
    const modes = makeModes(session);
    await sizesAndSpeed(kb, docs);
    await recallTable('clean text', docs, modes, mapGold);
    for (const seed of SEEDS) {
      const noisy = docs.map((d) => noisyDocument(d, { ...DEFAULT_NOISE, seed }));
      describeNoise(docs, noisy);
      await recallTable(`spelling noise, seed ${seed}`, noisy, modes, mapGold);
    }
  } finally {
    await session.dispose();
  }
}

/** The documents with only their in-KB gold mentions, tagged with the file they come from. */
function inKbOnly(docs: readonly GoldDocument[], mapGold: GoldMapper, collection: string): GoldDocument[] {
  return docs.map((d) => ({ ...d, collection, mentions: d.mentions.filter((m) => mapGold(m).status === 'in-kb') })).filter((d) => d.mentions.length > 0);
}

function makeModes(session: LinkingSession): Mode[] {
  const encoder = new MemoEncoder(session.encoder);
  const linker = (options: Partial<LinkerOptions>): Linker =>
    new Linker({ kb: session.kb, encoder, index: session.index, rankerWeights: session.rankerWeights, options: { hardNegatives: 0, ...(DENSE_EF === undefined ? {} : { denseEfSearch: Number(DENSE_EF) }), ...options } });
  const pools = { denseTopN: TOP_K, lexicalTopN: TOP_K };
  const hybrid = linker({ ...pools, ngramTopN: 0 });
  const tfidf = new TrigramTfidf(session.kb.entities);
  return [
    { name: 'dense', linker: byDenseCosine(linker({ ...pools, retrievers: 'dense' })) },
    { name: 'token lexical', linker: retrieverLinker(session.kb, (m) => hybrid.lexical.retrieve(m, TOP_K).map((h) => h.row)) },
    { name: 'n-gram', linker: retrieverLinker(session.kb, (m) => hybrid.ngram.retrieve(m, TOP_K).map((h) => h.row)) },
    { name: 'trigram TF-IDF (baseline)', linker: retrieverLinker(session.kb, (m) => tfidf.retrieve(m, TOP_K).map((h) => h.row)) },
    pooled('hybrid (dense + token)', hybrid),
    pooled('hybrid + n-gram', linker({ ...pools, ngramTopN: TOP_K })),
    pooled('hybrid, default pools', linker({ ngramTopN: 0 })),
    pooled('hybrid + n-gram, default pools', linker({})),
  ];
}

/** A linker that answers each span with a retriever's own ranking. */
function retrieverLinker(kb: KnowledgeBase, retrieve: Retrieve): DocumentLinker {
  const candidate = (row: number, rank: number): RankedCandidate => ({
    id: kb.entities[row].id,
    title: kb.entities[row].title,
    score: -rank,
    probability: 0,
    signals: { retrievedBy: [] },
  });
  return {
    async linkSpans(text: string, spans: readonly SpanRequest[]): Promise<LinkedMention[]> {
      return spans.map((s) => {
        const candidates = retrieve(text.slice(s.start, s.end)).map(candidate);
        return { start: s.start, end: s.end, text: text.slice(s.start, s.end), candidates, nil: candidates.length === 0, margin: 0, hardNegatives: [] };
      });
    },
    async linkDocument(): Promise<LinkedMention[]> {
      return [];
    },
  };
}

/** The dense pool (all of it, not the ranker's top 64) re-ordered by the in-context cosine alone. */
function byDenseCosine(inner: Linker): DocumentLinker {
  return {
    async linkSpans(text: string, spans: readonly SpanRequest[], options: LinkOptions = {}): Promise<LinkedMention[]> {
      const linked = await inner.linkSpans(text, spans, { ...options, topK: 4 * TOP_K });
      return linked.map((m) => {
        const candidates = [...m.candidates].sort((a, b) => (b.signals.dense ?? -Infinity) - (a.signals.dense ?? -Infinity) || a.id.localeCompare(b.id));
        return { ...m, candidates: candidates.slice(0, options.topK ?? TOP_K) };
      });
    },
    linkDocument: (text, options) => inner.linkDocument(text, options),
  };
}

async function recallTable(title: string, docs: readonly GoldDocument[], modes: readonly Mode[], mapGold: GoldMapper): Promise<void> {
  const rows: Row[] = [];
  const perFile = new Map<string, string[]>();
  for (const mode of modes) {
    mode.pool?.reset(docs, mapGold);
    const report = await evaluate({ docs, linker: mode.linker, mapGold, topK: TOP_K, skipInvalid: true });
    if (report.invalid.length > 0) console.error(`  ${title} / ${mode.name}: ${report.invalid.length} invalid spans skipped (${report.invalid[0].problem})`);
    const m = report.metrics;
    const pool = mode.pool === undefined || mode.pool.spans === 0 ? undefined : mode.pool;
    rows.push({
      mode: mode.name,
      recall: [m['recall@1'] ?? 0, m['recall@10'] ?? 0, m['recall@64'] ?? 0],
      pool: pool === undefined ? undefined : pool.found / pool.spans,
      poolSize: pool === undefined ? undefined : pool.candidates / pool.spans,
      msPerMention: (1000 * report.seconds) / Math.max(1, m.mentions),
    });
    for (const c of report.perCollection) {
      const cells = perFile.get(c.key) ?? [];
      cells.push(pct(c['recall@64']));
      perFile.set(c.key, cells);
    }
    console.error(`  [${title}] ${mode.name}: ${m.inKb} in-KB mentions in ${report.seconds.toFixed(1)} s`);
  }
  console.log('');
  console.log(`## elevant vs wiki11k, ${title} (${docs.reduce((s, d) => s + d.mentions.length, 0)} in-KB mentions, all files pooled)`);
  console.log('');
  console.log('| retriever | R@1 | R@10 | R@64 | in pool | pool size | ms/mention |');
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const r of rows) {
    const pool = r.pool === undefined ? '– | –' : `${pct(r.pool)} | ${(r.poolSize ?? 0).toFixed(0)}`;
    console.log(`| ${r.mode} | ${r.recall.map((x) => pct(x)).join(' | ')} | ${pool} | ${r.msPerMention.toFixed(2)} |`);
  }
  console.log('');
  console.log(`R@64 per file (${title}):`);
  console.log('');
  console.log(`| file | ${modes.map((m) => m.name).join(' | ')} |`);
  console.log(`|---|${modes.map(() => '---:').join('|')}|`);
  for (const [file, cells] of [...perFile].sort()) console.log(`| ${file} | ${cells.join(' | ')} |`);
}

/** How much of the mention text the noise changed, with a few examples. */
function describeNoise(clean: readonly GoldDocument[], noisy: readonly GoldDocument[]): void {
  let changed = 0;
  let total = 0;
  const examples: string[] = [];
  clean.forEach((d, i) =>
    d.mentions.forEach((m, j) => {
      const n = noisy[i].mentions[j].text;
      total++;
      if (n !== m.text) {
        changed++;
        if (examples.length < 10 && /\s/.test(m.text)) examples.push(`"${m.text}" -> "${n}"`);
      }
    }),
  );
  console.log('');
  console.log(`Noise: ${changed} of ${total} mention surface forms changed (${pct(changed / total)}%); e.g. ${examples.join(', ')}.`);
}

/** n-gram index build time and size (wiki11k and WordNet all POS), and per-query time of the name retrievers. */
async function sizesAndSpeed(kb: KnowledgeBase, docs: readonly GoldDocument[]): Promise<void> {
  const { kb: wordnet } = await loadKnowledgeBase([parseSourceArg('wordnet:all')], { strict: false, name: 'WordNet all', sourceLocations: false });
  console.log('');
  console.log('## n-gram index: build and query');
  console.log('');
  console.log('| KB | entities | names | n-grams | postings | typed arrays (MB) | heap growth (MB) | build (ms) |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
  const built = new Map<KnowledgeBase, NgramIndex>();
  for (const [name, k] of [['wiki11k', kb], ['WordNet (all POS)', wordnet]] as const) {
    const heap = heapUsed();
    const t = performance.now();
    const ix = new NgramIndex(k.entities);
    const ms = performance.now() - t;
    const s = ix.stats;
    console.log(`| ${name} | ${k.size} | ${s.names} | ${s.grams} | ${s.postings} | ${mb(s.arrayBytes)} | ${mb(heapUsed() - heap)} | ${ms.toFixed(0)} |`);
    built.set(k, ix);
  }
  const mentions = docs.flatMap((d) => d.mentions.map((m) => m.text));
  const lexical = new LexicalIndex(kb.entities);
  const tfidf = new TrigramTfidf(kb.entities);
  const timed = (retrieve: Retrieve): string => {
    for (const m of mentions) retrieve(m);
    const t = performance.now();
    for (const m of mentions) retrieve(m);
    return ((1000 * (performance.now() - t)) / mentions.length).toFixed(0);
  };
  const ngram = built.get(kb) ?? new NgramIndex(kb.entities);
  const wordnetNgram = built.get(wordnet) ?? new NgramIndex(wordnet.entities);
  console.log('');
  console.log(
    `Query time on wiki11k, top ${TOP_K}, mean over the ${mentions.length} in-KB elevant mentions (second pass): ` +
      `n-gram ${timed((m) => ngram.retrieve(m, TOP_K).map((h) => h.row))} µs, ` +
      `token lexical ${timed((m) => lexical.retrieve(m, TOP_K).map((h) => h.row))} µs, ` +
      `trigram TF-IDF ${timed((m) => tfidf.retrieve(m, TOP_K).map((h) => h.row))} µs; ` +
      `n-gram on WordNet (all POS), same mentions: ${timed((m) => wordnetNgram.retrieve(m, TOP_K).map((h) => h.row))} µs.`,
  );
}

function heapUsed(): number {
  (globalThis as { gc?: () => void }).gc?.();
  const u = process.memoryUsage();
  return u.heapUsed + u.arrayBuffers;
}

function mb(bytes: number): string {
  return (bytes / 2 ** 20).toFixed(1);
}

function secs(ms: number): string {
  return (ms / 1000).toFixed(1);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
