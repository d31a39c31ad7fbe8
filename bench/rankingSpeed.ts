/**
 * The ranking stage alone (feature computation, scoring, the coherence pass) on a 5,000-word document linked warm
 * against wiki11k with the HNSW index: Linker.timings.ranking when the same linker links the document again (as
 * re-linking an open document does) and when a new linker links it, and a check that every result equals the
 * first call's. The encoder is memoised, so the figures do not move with the encoder's load.
 *
 *   node out/bench/rankingSpeed.js [--runs=N] [--words=N] [--ranker=ranker.json] [--out=FILE [--weights=ranker.json]]
 *
 * --ranker times the linker with those weights (e.g. a version-3 ranker with hidden units) instead of the shipped ones.
 *
 * --out writes every mention's candidates (id, score, probability) with the given weights (default: the hand-set
 * ones), so that two builds' results can be compared (the ranking stage's speed-up must not change them).
 *
 * The document is elevant news/wiki text joined as paragraphs (as bench/linkDocument.ts builds it).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { readElevantFile } from '../src/core/formats/elevantReader';
import { Linker } from '../src/core/linker/linker';
import { HAND_SET_RANKER_WEIGHTS, parseRankerWeights } from '../src/core/linker/ranker';
import type { LinkedMention } from '../src/core/linker/types';
import { silentLogger } from '../src/core/log';
import { openEncoder } from '../src/core/session/openEncoder';
import { DATA, ROOT, openWiki11k } from './benchData';
import { MemoEncoder } from './qualityLinkers';

const arg = (name: string, fallback: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? fallback : Number(a.slice(name.length + 3));
};

async function main(): Promise<void> {
  if (!existsSync(DATA)) {
    console.log(`rankingSpeed: no shared data at ${DATA}; nothing measured.`);
    return;
  }
  const opened = await openEncoder({ packageRoot: ROOT, provider: 'cpu', logger: silentLogger });
  // Memoised encoder: repeated calls measure the linker's own stages, not the encoder.
  const encoder = new MemoEncoder(opened.encoder);
  try {
    const w = await openWiki11k(encoder);
    const doc = await document(arg('words', 5000));
    const out = process.argv.find((a) => a.startsWith('--out='))?.slice('--out='.length);
    if (out !== undefined) {
      const weightsFile = process.argv.find((a) => a.startsWith('--weights='))?.slice('--weights='.length);
      const rankerWeights = weightsFile === undefined ? HAND_SET_RANKER_WEIGHTS : parseRankerWeights(await readFile(weightsFile, 'utf8'), weightsFile);
      const linked = await new Linker({ kb: w.kb, encoder, index: w.index, rankerWeights }).linkDocument(await document(arg('words', 5000)));
      await writeFile(out, JSON.stringify(linked.map((m) => ({ start: m.start, end: m.end, candidates: m.candidates.map((c) => [c.id, c.score, c.probability]) }))));
    }
    const rankerFile = process.argv.find((a) => a.startsWith('--ranker='))?.slice('--ranker='.length);
    const timed = rankerFile === undefined ? {} : { rankerWeights: parseRankerWeights(await readFile(rankerFile, 'utf8'), rankerFile) };
    const linker = new Linker({ kb: w.kb, encoder, index: w.index, ...timed });
    const first = await linker.linkDocument(doc);
    const ranking: number[] = [];
    const cold: number[] = [];
    let same = true;
    for (let i = 0; i < arg('runs', 7); i++) {
      // The same linker again (what re-linking an open document does), then a new linker on the same KB and index
      // (nothing learned about this document's forms yet).
      same &&= equalResults(first, await linker.linkDocument(doc));
      ranking.push(linker.timings.ranking);
      const fresh = new Linker({ kb: w.kb, encoder, index: w.index, ...timed });
      same &&= equalResults(first, await fresh.linkDocument(doc));
      cold.push(fresh.timings.ranking);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    const figures = (xs: number[]): string => `median ${median(xs).toFixed(1)} ms (min ${Math.min(...xs).toFixed(1)})`;
    console.log(
      `rankingSpeed: ${new Date().toISOString().slice(0, 16)}Z, ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, load ${os.loadavg()[0].toFixed(1)}; ` +
        `${doc.split(/\s+/).length} words, ${first.length} mentions; ranker ${rankerFile ?? 'shipped'}; ranking stage, same linker again: ${figures(ranking)}; new linker: ${figures(cold)}; ` +
        `every call equals the first: ${same}`,
    );
  } finally {
    await opened.encoder.dispose();
  }
}

function equalResults(a: readonly LinkedMention[], b: readonly LinkedMention[]): boolean {
  return a.length === b.length && a.every((m, i) => m.start === b[i].start && m.candidates.length === b[i].candidates.length && m.candidates.every((c, k) => c.id === b[i].candidates[k].id && Math.abs(c.score - b[i].candidates[k].score) < 1e-9));
}

async function document(words: number): Promise<string> {
  const paras: string[] = [];
  let n = 0;
  for (const f of ['news-fair', 'wiki-fair', 'reuters-128']) {
    for (const d of await readElevantFile(path.join(DATA, `elevant/${f}.benchmark.jsonl`))) {
      for (const p of d.text.split(/\n\s*\n/)) {
        const take = p.split(/\s+/).filter((x) => x.length > 0).slice(0, words - n);
        if (take.length === 0) continue;
        paras.push(take.join(' '));
        n += take.length;
        if (n >= words) return paras.join('\n\n');
      }
    }
  }
  return paras.join('\n\n');
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
