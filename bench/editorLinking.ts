/**
 * What the editor's linking costs the user, with the real USE-lite encoder on CPU, through the same linker
 * worker the extension starts:
 *  1. a ~5,000-word document (elevant news texts as paragraphs) linked against wiki11k: first link, warm
 *     link from scratch, and re-link after an edit in one paragraph;
 *  2. the calling thread's event-loop delay (perf_hooks.monitorEventLoopDelay) while that document is
 *     linked in the worker vs on the calling thread (the fallback), as a ratio;
 *  3. KB search per keystroke for the candidate picker: the worker round trip on wiki11k, and the search
 *     itself on WordNet (all parts of speech, 117k entities);
 *  4. scripted annotation with the simulator (src/core/simulation, as `entity-linker simulate`) over elevant
 *     news-fair and the oke eval files: keystrokes per in-KB gold mention with and without online learning, in
 *     document and uncertainty order, vs linking every in-KB mention by hand with the picker's search.
 * The in-extension-host figures (open to decorations, event-loop delay inside VS Code) come from the
 * integration test, which writes .test-artifacts/integration/editor-figures.json.
 *
 *   node out/bench/editorLinking.js [--docs=N] [--annotation-only]
 */
import { existsSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as os from 'node:os';
import * as path from 'node:path';
import { createGoldMapper, type GoldMapper } from '../src/core/formats/goldMapping';
import { readElevantFile } from '../src/core/formats/elevantReader';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { LexicalIndex } from '../src/core/linker/lexicalIndex';
import { SHORTEST_PREFIX } from '../src/core/linker/kbSearch';
import { openLinkingSession } from '../src/core/session/linkingSession';
import { LinkerLearning, simulationLinker } from '../src/core/simulation/linkerSimulation';
import { simulateSession } from '../src/core/simulation/simulateSession';
import { DEFAULT_SIMULATION_OPTIONS, type SimulationDocument, type SimulationLinker, type VisitOrder } from '../src/core/simulation/simulationTypes';
import type { Logger } from '../src/core/log';
import { InProcessLinkerClient, type LinkerClient, startLinkerClient } from '../src/core/worker/linkerClient';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const WORKER = path.join(ROOT, 'out/src/core/worker/linkerWorker.js');
const CACHE = path.join(os.tmpdir(), 'entity-linker-bench-editor');
const docsArg = Number(process.argv.find((a) => a.startsWith('--docs='))?.slice(7) ?? 40);
/** --annotation-only: part 4 alone (keystroke counts do not depend on the machine's load). */
const annotationOnly = process.argv.includes('--annotation-only');
const quiet: Logger = { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: (m) => process.stderr.write(`warn: ${m}\n`), error: (m) => process.stderr.write(`error: ${String(m)}\n`) };

const ms = (t: number): string => `${t.toFixed(1)} ms`;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const p95 = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * 0.95))];

async function openSession(client: LinkerClient): Promise<number> {
  const t = performance.now();
  await client.request({ kind: 'open', options: { kbSources: [{ path: path.join(DATA, 'wiki11k/Wiki.txt'), format: 'brat' }], packageRoot: ROOT, provider: 'cpu', cacheDir: CACHE, linkerOptions: { topK: 5 } } });
  return performance.now() - t;
}

function document5k(docs: readonly GoldDocument[]): string {
  const paragraphs: string[] = [];
  let words = 0;
  for (const d of docs) {
    paragraphs.push(d.text.replace(/\n\s*\n/g, '\n'));
    words += d.text.split(/\s+/).filter(Boolean).length;
    if (words >= 5000) break;
  }
  return paragraphs.join('\n\n');
}

async function loopDelayWhile(work: () => Promise<unknown>): Promise<{ p99: number; max: number; wall: number }> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  const t = performance.now();
  await work();
  const wall = performance.now() - t;
  h.disable();
  return { p99: h.percentile(99) / 1e6, max: h.max / 1e6, wall };
}

async function speed(client: LinkerClient, text: string): Promise<void> {
  const words = text.split(/\s+/).filter(Boolean).length;
  let t = performance.now();
  const first = await client.request({ kind: 'linkDocument', key: 'doc', text });
  const firstMs = performance.now() - t;
  const warm: number[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await client.request({ kind: 'linkDocument', text });
    warm.push(performance.now() - t);
  }
  // An edit in the middle paragraph: the worker re-links that paragraph only.
  const mid = text.indexOf('\n\n', Math.floor(text.length / 2));
  const edited = `${text.slice(0, mid)} Paris and London.${text.slice(mid)}`;
  t = performance.now();
  await client.request({ kind: 'linkDocument', key: 'doc', text: edited });
  const relinkMs = performance.now() - t;
  console.log(`\n1. Linking a ${words}-word document (${first.length} mentions), wiki11k, worker thread`);
  console.log(`   first link ${ms(firstMs)}; warm from scratch median ${ms(median(warm))}; re-link after a one-paragraph edit ${ms(relinkMs)} (${(median(warm) / relinkMs).toFixed(0)}x faster than from scratch)`);
}

async function responsiveness(worker: LinkerClient, text: string): Promise<void> {
  const inWorker = await loopDelayWhile(() => worker.request({ kind: 'linkDocument', text }));
  const main = new InProcessLinkerClient(quiet);
  await openSession(main);
  await main.request({ kind: 'linkDocument', text });
  const onMain = await loopDelayWhile(() => main.request({ kind: 'linkDocument', text }));
  await main.dispose();
  console.log('\n2. Event-loop delay of the calling thread (the extension host) while the document is linked');
  console.log(`   worker thread : p99 ${ms(inWorker.p99)}, max ${ms(inWorker.max)} over ${ms(inWorker.wall)}`);
  console.log(`   main thread   : p99 ${ms(onMain.p99)}, max ${ms(onMain.max)} over ${ms(onMain.wall)}`);
  console.log(`   ratio main/worker: p99 ${(onMain.p99 / inWorker.p99).toFixed(1)}x, max ${(onMain.max / inWorker.max).toFixed(1)}x`);
}

const QUERIES = ['Abraham Lincoln', 'New York City', 'United Nations', 'Microsoft', 'Barack Obama', 'river', 'dog', 'computer science'];

async function search(client: LinkerClient): Promise<void> {
  const rt: number[] = [];
  for (const q of QUERIES) {
    for (let n = 1; n <= q.length; n++) {
      const t = performance.now();
      await client.request({ kind: 'searchKb', query: q.slice(0, n), limit: 30 });
      rt.push(performance.now() - t);
    }
  }
  console.log('\n3. KB search per keystroke (candidate picker)');
  console.log(`   worker round trip, wiki11k (11k entities): median ${ms(median(rt))}, p95 ${ms(p95(rt))}, max ${ms(Math.max(...rt))} over ${rt.length} keystrokes`);
  const { kb } = await loadKnowledgeBase([{ path: 'wordnet', format: 'wordnet', pos: ['n', 'v', 'a', 'r'] }], { strict: true, logger: quiet });
  let t = performance.now();
  const index = new LexicalIndex(kb.entities, { prefix: true, fuzzy: 0.2 });
  const words = new LexicalIndex(kb.entities);
  const buildMs = performance.now() - t;
  // As the worker searches: whole words until the last word has SHORTEST_PREFIX letters, then prefixes;
  // the alternative is prefix search from the first letter.
  const local: number[] = [];
  const prefixOnly: number[] = [];
  for (const q of QUERIES) {
    for (let n = 1; n <= q.length; n++) {
      const typed = q.slice(0, n);
      const last = typed.split(/\s+/).pop() ?? '';
      t = performance.now();
      (last.length < SHORTEST_PREFIX ? words : index).retrieve(typed, 30);
      local.push(performance.now() - t);
      t = performance.now();
      index.retrieve(typed, 30);
      prefixOnly.push(performance.now() - t);
    }
  }
  console.log(`   search itself, WordNet all (${kb.size} entities; both indexes built in ${ms(buildMs)}):`);
  console.log(`     as the worker searches : median ${ms(median(local))}, p95 ${ms(p95(local))}, max ${ms(Math.max(...local))} (target < 50 ms)`);
  console.log(`     prefix from 1 letter   : median ${ms(median(prefixOnly))}, p95 ${ms(p95(prefixOnly))}, max ${ms(Math.max(...prefixOnly))}`);
}

/** The gold documents with their mentions mapped to wiki11k by title, as `simulate --gold-id-map title` does. */
function simulationDocs(docs: readonly GoldDocument[], mapGold: GoldMapper): SimulationDocument[] {
  return docs.map((d) => ({ id: d.id, text: d.text, mentions: d.mentions.map((m) => ({ start: m.start, end: m.end, gold: mapGold(m), optional: m.optional })) }));
}

const perMention = (keys: number, gold: number): string => (keys / gold).toFixed(2);
const pct = (x: number | null): string => (x === null ? 'n/a' : `${(100 * x).toFixed(1)}%`);

/**
 * Scripted annotation with the simulator (`entity-linker simulate`, src/core/simulation): keystrokes per in-KB
 * gold mention with the editor's flow, with and without online learning, in document and uncertainty order,
 * against linking every in-KB mention by hand (select, Link Selection, KB search in the picker).
 */
async function annotationRuns(sets: readonly [string, readonly GoldDocument[], readonly VisitOrder[]][]): Promise<void> {
  const session = await openLinkingSession({ kbSources: [{ path: path.join(DATA, 'wiki11k/Wiki.txt'), format: 'brat' }], packageRoot: ROOT, provider: 'cpu', cacheDir: CACHE, logger: quiet });
  try {
    const mapGold = createGoldMapper(session.kb, { kind: 'title' });
    const linker = simulationLinker(session.linker, session.kb, 5);
    // By hand: nothing detected, nothing ranked: every in-KB mention is selected and found by typing in the picker.
    const byHand: SimulationLinker = {
      ...linker,
      linkDocument: () => Promise.resolve([]),
      linkSpans: (text, spans) => Promise.resolve(spans.map((s) => ({ start: s.start, end: s.end, text: text.slice(s.start, s.end), candidates: [], nil: true, margin: Infinity, hardNegatives: [] }))),
    };
    const options = { ...DEFAULT_SIMULATION_OPTIONS, retrainEvery: 10 };
    console.log('\n4. Scripted annotation against wiki11k with the simulator (gold by title; keys per in-KB gold mention; auto-advance / Next before each)');
    console.log('   set             | gold | order       | with learning | without learning | acc. 1st -> 2nd half (with; without) | learning + detection | by hand');
    for (const [name, docs, orders] of sets) {
      const sim = simulationDocs(docs, mapGold);
      const manual = await simulateSession(sim, byHand, undefined, options);
      for (const order of orders) {
        const t = performance.now();
        const learned = await simulateSession(sim, linker, new LinkerLearning(session.linker), { ...options, order });
        LinkerLearning.reset(session.linker);
        const plain = await simulateSession(sim, linker, undefined, { ...options, order });
        const detection = await simulateSession(sim, linker, new LinkerLearning(session.linker, { detection: true }), { ...options, order });
        LinkerLearning.reset(session.linker);
        const g = learned.gold;
        console.log(
          `   ${name.padEnd(15)} | ${String(g).padStart(4)} | ${order.padEnd(11)} | ${perMention(learned.keystrokes.autoAdvance, g)} / ${perMention(learned.keystrokes.manual, g)}   | ${perMention(plain.keystrokes.autoAdvance, g)} / ${perMention(plain.keystrokes.manual, g)}      | ${pct(learned.accuracyFirstHalf)} -> ${pct(learned.accuracySecondHalf)}; ${pct(plain.accuracyFirstHalf)} -> ${pct(plain.accuracySecondHalf)} | ${perMention(detection.keystrokes.autoAdvance, g)} | ${perMention(manual.keystrokes.autoAdvance, g)} (${(manual.keystrokes.autoAdvance / plain.keystrokes.autoAdvance).toFixed(2)}x) [${((performance.now() - t) / 1000).toFixed(0)} s]`,
        );
        console.log(`     blocks of 50, with learning ${learned.accuracyByBlock.map(pct).join(' ')}; without ${plain.accuracyByBlock.map(pct).join(' ')}`);
        console.log(`     keys without learning: ${JSON.stringify(plain.keys)}; ${learned.refits} refits with learning`);
      }
    }
  } finally {
    await session.dispose();
  }
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'wiki11k/Wiki.txt'))) {
    console.log(`SKIPPED: ${DATA} is missing (the bench reads wiki11k and elevant from ../shared/data).`);
    return;
  }
  console.log(`editorLinking bench, ${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.versions.node}`);
  const news = await readElevantFile(path.join(DATA, 'elevant/news-fair.benchmark.jsonl'));
  const oke = await Promise.all(['oke-2015-eval', 'oke-2016-eval'].map((f) => readElevantFile(path.join(DATA, `elevant/${f}.benchmark.jsonl`))));
  // Uncertainty order ranks every open suggestion of the corpus again after each refit: the short oke sets only.
  const annotation = (): Promise<void> =>
    annotationRuns([
      ['news-fair', news.slice(0, docsArg), ['document']],
      ['oke-2015-eval', oke[0], ['document', 'uncertainty']],
      ['oke-2016-eval', oke[1], ['document', 'uncertainty']],
    ]);
  if (annotationOnly) return annotation();
  const worker = await startLinkerClient(WORKER, quiet);
  try {
    const openMs = await openSession(worker);
    console.log(`session open on the ${worker.thread} (wiki11k, USE-lite, HNSW; embeddings cached under ${CACHE}): ${ms(openMs)}`);
    const text = document5k(news);
    await speed(worker, text);
    await responsiveness(worker, text);
    await search(worker);
    await annotation();
  } finally {
    await worker.dispose();
  }
}

void main();
