/**
 * What the editor's linking costs the user, with the real USE-lite encoder on CPU, through the same linker
 * worker the extension starts:
 *  1. a ~5,000-word document (elevant news texts as paragraphs) linked against wiki11k: first link, warm
 *     link from scratch, and re-link after an edit in one paragraph;
 *  2. the calling thread's event-loop delay (perf_hooks.monitorEventLoopDelay) while that document is
 *     linked in the worker vs on the calling thread (the fallback), as a ratio;
 *  3. KB search per keystroke for the candidate picker: the worker round trip on wiki11k, and the search
 *     itself on WordNet (all parts of speech, 117k entities);
 *  4. a scripted annotation run over elevant documents: keystrokes per correctly linked mention with the
 *     editor's flow (next mention, accept / choose / search) vs linking every mention by hand with search.
 * The in-extension-host figures (open to decorations, event-loop delay inside VS Code) come from the
 * integration test, which writes .test-artifacts/integration/editor-figures.json.
 *
 *   node out/bench/editorLinking.js [--docs=N]
 */
import { existsSync, readFileSync } from 'node:fs';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import * as os from 'node:os';
import * as path from 'node:path';
import { readElevantFile } from '../src/core/formats/elevantReader';
import type { GoldDocument } from '../src/core/formats/goldDocument';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { LexicalIndex } from '../src/core/linker/lexicalIndex';
import { SHORTEST_PREFIX } from '../src/core/worker/linkerRequestHandler';
import type { Logger } from '../src/core/log';
import { InProcessLinkerClient, type LinkerClient, startLinkerClient } from '../src/core/worker/linkerClient';

const ROOT = path.resolve(__dirname, '../..');
const DATA = path.resolve(ROOT, '../shared/data');
const WORKER = path.join(ROOT, 'out/src/core/worker/linkerWorker.js');
const CACHE = path.join(os.tmpdir(), 'entity-linker-bench-editor');
const docsArg = Number(process.argv.find((a) => a.startsWith('--docs='))?.slice(7) ?? 40);
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

/** Keystrokes to reach `gold` in the picker: by rank in the ranked list, else by typing the title until the search ranks it first. */
async function pickerKeys(client: LinkerClient, ranked: readonly string[], gold: string, title: string): Promise<number | undefined> {
  const rank = ranked.indexOf(gold);
  if (rank >= 0) return rank + 1; // arrows down, then Enter
  for (let n = 1; n <= title.length; n++) {
    const hits = await client.request({ kind: 'searchKb', query: title.slice(0, n), limit: 30 });
    const at = hits.findIndex((h) => h.id === gold);
    if (at >= 0 && at < 3) return n + at + 1; // typed characters, arrows to the hit, Enter
  }
  return undefined;
}

async function annotationRun(client: LinkerClient, docs: readonly GoldDocument[], titleToId: Map<string, string>, idToTitle: Map<string, string>): Promise<void> {
  let assisted = 0;
  let manual = 0;
  let correct = 0;
  let golds = 0;
  let falsePositives = 0;
  const how = { accept: 0, ranked: 0, searched: 0, selected: 0, failed: 0 };
  for (const doc of docs) {
    const gold = doc.mentions.map((m) => ({ ...m, kb: (m.goldNames ?? []).map((n) => titleToId.get(n.toLowerCase())).find((id) => id !== undefined) })).filter((m) => m.kb !== undefined);
    if (gold.length === 0) continue;
    const predicted = await client.request({ kind: 'linkDocument', text: doc.text });
    const bySpan = new Map(predicted.map((p) => [`${p.start}:${p.end}`, p]));
    const goldSpans = new Set(gold.map((g) => `${g.start}:${g.end}`));
    // A prediction that is no gold mention is passed over by Next Mention: 1 key (predictions are not stored
    // unless decided, so it need not be rejected; rejecting would cost one more).
    const fp = predicted.filter((p) => !goldSpans.has(`${p.start}:${p.end}`)).length;
    falsePositives += fp;
    assisted += fp;
    for (const g of gold) {
      golds++;
      const kbId = g.kb as string;
      const title = idToTitle.get(kbId) ?? '';
      const words = doc.text.slice(g.start, g.end).split(/\s+/).length;
      // By hand: select the words (Ctrl+Shift+Right each), Link Selection, type until found, Enter.
      const linked = (await client.request({ kind: 'linkSpans', text: doc.text, spans: [{ start: g.start, end: g.end }] }))[0];
      const manualPick = await pickerKeys(client, [], kbId, title);
      manual += 1 + words + 1 + (manualPick ?? title.length + 1);
      const p = bySpan.get(`${g.start}:${g.end}`);
      let keys: number | undefined;
      if (p !== undefined && !p.nil && p.candidates[0]?.id === kbId) {
        keys = 2; // next mention, accept
        how.accept++;
      } else if (p !== undefined) {
        const pick = await pickerKeys(client, p.candidates.map((c) => c.id), kbId, title);
        keys = pick === undefined ? undefined : 2 + pick; // next, choose, then pick
        if (pick !== undefined && p.candidates.some((c) => c.id === kbId)) how.ranked++;
        else if (pick !== undefined) how.searched++;
      } else {
        // Not detected: select the words, Link Selection (its picker shows the span's ranked candidates).
        const pick = await pickerKeys(client, linked.candidates.map((c) => c.id), kbId, title);
        keys = pick === undefined ? undefined : 1 + words + 1 + pick;
        if (pick !== undefined) how.selected++;
      }
      if (keys === undefined) {
        how.failed++;
        continue;
      }
      assisted += keys;
      correct++;
    }
  }
  console.log(`\n4. Scripted annotation of ${docs.length} elevant news-fair documents against wiki11k (${golds} gold mentions whose entity is in the KB)`);
  console.log(`   editor flow: ${(assisted / correct).toFixed(2)} keystrokes per correctly linked mention (${correct} linked: ${how.accept} accepted as predicted, ${how.ranked} chosen from the ranked list, ${how.searched} found by search, ${how.selected} selected by hand; ${how.failed} not reachable; ${falsePositives} predictions that are no in-KB gold mention passed over, 1 key each)`);
  console.log(`   by hand with KB search only: ${(manual / golds).toFixed(2)} keystrokes per mention; ratio ${(manual / golds / (assisted / correct)).toFixed(2)}x`);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'wiki11k/Wiki.txt'))) {
    console.log(`SKIPPED: ${DATA} is missing (the bench reads wiki11k and elevant from ../shared/data).`);
    return;
  }
  console.log(`editorLinking bench, ${new Date().toISOString()}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, Node ${process.versions.node}`);
  const news = await readElevantFile(path.join(DATA, 'elevant/news-fair.benchmark.jsonl'));
  const worker = await startLinkerClient(WORKER, quiet);
  try {
    const openMs = await openSession(worker);
    console.log(`session open on the ${worker.thread} (wiki11k, USE-lite, HNSW; embeddings cached under ${CACHE}): ${ms(openMs)}`);
    const text = document5k(news);
    await speed(worker, text);
    await responsiveness(worker, text);
    await search(worker);
    const kbText = readFileSync(path.join(DATA, 'wiki11k/Wiki.txt'), 'utf8');
    const titleToId = new Map<string, string>();
    const idToTitle = new Map<string, string>();
    for (const line of kbText.split('\n')) {
      const [id, ...fields] = line.split('\t');
      const name = fields.find((f) => f.startsWith('name:Name:'))?.slice('name:Name:'.length);
      if (id !== undefined && name !== undefined) {
        if (!titleToId.has(name.toLowerCase())) titleToId.set(name.toLowerCase(), id);
        idToTitle.set(id, name);
      }
    }
    await annotationRun(worker, news.slice(0, docsArg), titleToId, idToTitle);
  } finally {
    await worker.dispose();
  }
}

void main();
