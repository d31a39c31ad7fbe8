/**
 * How close the int8 encoder's vectors are to the fp32 ones on real texts: wiki11k entity descriptions (the
 * `info:` field, clipped inside the model to 128 tokens) and elevant benchmark texts. Per source: worst, 1st
 * percentile and mean cosine, and how many texts fall below 0.99; then, for retrieval, how often each elevant
 * text's nearest description (top 1 and the top-10 set) is the same under both precisions.
 *
 *   node out/bench/int8Agreement.js [--every=N]   (every Nth description; default 2)
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { UseLiteEncoder } from '../src/core/encoder/useLite/useLiteEncoder';
import { ensureUseLiteModel } from '../src/core/encoder/useLite/useLiteModel';
import { silentLogger } from '../src/core/log';
import { dotAt } from '../src/core/vectorMath';
import { DATA, ROOT, secs } from './benchData';

const everyArg = process.argv.find((a) => a.startsWith('--every='));
const EVERY = everyArg === undefined ? 2 : Number(everyArg.slice('--every='.length));

function descriptions(): string[] {
  const out: string[] = [];
  let row = 0;
  for (const line of readFileSync(path.join(DATA, 'wiki11k', 'Wiki.txt'), 'utf8').split('\n')) {
    const info = line.split('\t').find((f) => f.startsWith('info:Info:'));
    if (info !== undefined && row++ % EVERY === 0) out.push(info.slice('info:Info:'.length));
  }
  return out;
}

function elevantTexts(): string[] {
  const dir = path.join(DATA, 'elevant');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.benchmark.jsonl'))
    .sort()
    .flatMap((f) =>
      readFileSync(path.join(dir, f), 'utf8')
        .split('\n')
        .filter((l) => l.trim() !== '')
        .map((l) => (JSON.parse(l) as { text: string }).text),
    );
}

function cosineStats(a: readonly Float32Array[], b: readonly Float32Array[]): string {
  const c = a.map((x, i) => dotAt(x, 0, b[i], 0, x.length)).sort((p, q) => p - q);
  const mean = c.reduce((s, x) => s + x, 0) / c.length;
  const below = c.filter((x) => x < 0.99).length;
  return `${c.length} texts: worst ${c[0].toFixed(5)}, 1st percentile ${c[Math.floor(c.length / 100)].toFixed(5)}, mean ${mean.toFixed(5)}, below 0.99: ${below}`;
}

/** Indices of the k largest dot products of `q` against `rows`, best first. */
function topK(q: Float32Array, rows: readonly Float32Array[], k: number): number[] {
  const scored = rows.map((r, i) => ({ i, s: dotAt(q, 0, r, 0, q.length) }));
  scored.sort((x, y) => y.s - x.s);
  return scored.slice(0, k).map((x) => x.i);
}

async function main(): Promise<void> {
  if (!existsSync(path.join(DATA, 'wiki11k')) || !existsSync(path.join(DATA, 'elevant'))) {
    console.log(`int8 agreement: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  const modelDir = path.join(ROOT, 'models', 'use-lite');
  await ensureUseLiteModel(modelDir, { logger: silentLogger, precision: 'int8' });
  const fp32 = await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger, precision: 'fp32' });
  const int8 = await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger, precision: 'int8' });
  const sources = { 'wiki11k descriptions': descriptions(), 'elevant texts': elevantTexts() };
  console.log(`# int8 vs fp32 vectors (bench/int8Agreement.ts --every=${EVERY})`);
  console.log(`${new Date().toISOString().slice(0, 10)}; ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}; fp32 ${fp32.modelId.slice(0, 12)}, int8 ${int8.modelId.slice(0, 12)}`);
  const vectors: Record<string, { a: Float32Array[]; b: Float32Array[] }> = {};
  for (const [name, texts] of Object.entries(sources)) {
    const t = performance.now();
    const a = await fp32.encode(texts);
    const ta = performance.now();
    const b = await int8.encode(texts);
    const tb = performance.now();
    vectors[name] = { a, b };
    console.log(`- ${name}: ${cosineStats(a, b)} (encoded in fp32 ${secs(ta - t)} s, int8 ${secs(tb - ta)} s)`);
  }
  const kb = vectors['wiki11k descriptions'];
  const queries = vectors['elevant texts'];
  let top1 = 0;
  let overlap = 0;
  for (let i = 0; i < queries.a.length; i++) {
    const x = topK(queries.a[i], kb.a, 10);
    const y = topK(queries.b[i], kb.b, 10);
    if (x[0] === y[0]) top1++;
    overlap += x.filter((r) => y.includes(r)).length / 10;
  }
  const n = queries.a.length;
  console.log(`- retrieval, each elevant text against the descriptions: same nearest description ${((100 * top1) / n).toFixed(1)}%, top-10 overlap ${((100 * overlap) / n).toFixed(1)}% (${n} queries, ${kb.a.length} descriptions)`);
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  await fp32.dispose();
  await int8.dispose();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
