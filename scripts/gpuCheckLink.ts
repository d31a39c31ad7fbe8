/**
 * The linking part of scripts/gpuCheck.sh: on one execution provider, embeds the wiki11k KB with the real encoder
 * (texts/s on real entity descriptions) and links a ~5,000-word document (elevant news and wiki texts, joined) warm,
 * median of three, split per stage. One provider per process, like gpuCheck.ts.
 *
 *   node out/scripts/gpuCheckLink.js --provider auto|cuda|webgpu|cpu --model DIR --data DIR [--cuda-provider-dir DIR] [--out DIR] [--label NAME]
 *
 * --data is a folder holding wiki11k/Wiki.txt and elevant/{news-fair,wiki-fair,reuters-128}.benchmark.jsonl
 * (../shared/data in a checkout; scripts/gpuCheckCarry.sh packs them for a machine without it).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutionProviderChoice } from '../src/core/encoder/encoder';
import { loadEncoder } from '../src/core/encoder/loadEncoder';
import { setCudaProviderDir } from '../src/core/encoder/onnxRuntime';
import { readElevantFile } from '../src/core/formats/elevantReader';
import { ExactIndex } from '../src/core/index/exactIndex';
import { loadKnowledgeBase } from '../src/core/kb/loadKnowledgeBase';
import { args, logger } from './gpuCheckCommon';
import { Linker } from '../src/core/linker/linker';
import { entityText } from '../src/core/linker/textTemplates';

const DOCUMENT_WORDS = 5000;
const ELEVANT = ['news-fair', 'wiki-fair', 'reuters-128'];

/** Whole elevant documents, blank-line separated, the last one cut at the word limit. */
async function document(dataDir: string, limit: number): Promise<string> {
  const parts: string[] = [];
  let words = 0;
  for (const name of ELEVANT) {
    for (const doc of await readElevantFile(path.join(dataDir, 'elevant', `${name}.benchmark.jsonl`))) {
      const tokens = doc.text.trim().split(/\s+/);
      const room = limit - words;
      parts.push(tokens.length <= room ? doc.text.trim() : tokens.slice(0, room).join(' '));
      words += Math.min(room, tokens.length);
      if (words >= limit) return parts.join('\n\n');
    }
  }
  return parts.join('\n\n');
}

async function main(): Promise<void> {
  const a = args();
  const provider = (a.get('provider') ?? 'cpu') as ExecutionProviderChoice;
  const dataDir = path.resolve(a.get('data') ?? '');
  setCudaProviderDir(a.get('cuda-provider-dir'));
  const result: Record<string, unknown> = { provider, label: a.get('label') ?? provider };
  let t = performance.now();
  const encoder = await loadEncoder(path.resolve(a.get('model') ?? 'models/use-lite'), { provider, logger });
  result.actualProvider = encoder.provider;
  result.modelLoadMs = Math.round(performance.now() - t);
  const { kb } = await loadKnowledgeBase([{ path: path.join(dataDir, 'wiki11k', 'Wiki.txt'), format: 'brat' }], { strict: false, name: 'wiki11k' });
  const texts = kb.entities.map((e) => entityText(e));
  t = performance.now();
  const rows = await encoder.encode(texts, { batchSize: 64 });
  const embedMs = performance.now() - t;
  result.kbEntities = texts.length;
  result.kbEmbedTextsPerSecond = Math.round(texts.length / (embedMs / 1000));
  const vectors = new Float32Array(rows.length * encoder.dims);
  rows.forEach((row, i) => vectors.set(row, i * encoder.dims));
  const linker = new Linker({ kb, encoder, index: new ExactIndex(vectors, encoder.dims), options: {} });
  const doc = await document(dataDir, DOCUMENT_WORDS);
  result.documentWords = doc.split(/\s+/).length;
  await linker.linkDocument(doc);
  const runs: { ms: number; timings: Record<string, number> }[] = [];
  for (let i = 0; i < 3; i++) {
    t = performance.now();
    await linker.linkDocument(doc);
    runs.push({ ms: performance.now() - t, timings: { ...linker.timings } });
  }
  runs.sort((x, y) => x.ms - y.ms);
  result.linkDocumentMedianMs = Math.round(runs[1].ms);
  result.linkDocumentMinMs = Math.round(runs[0].ms);
  result.medianSplitMs = Object.fromEntries(Object.entries(runs[1].timings).map(([k, v]) => [k, Math.round(v)]));
  await encoder.dispose();
  console.log(`  ${encoder.provider}: wiki11k ${texts.length} texts embedded at ${String(result.kbEmbedTextsPerSecond)} texts/s; ${String(result.documentWords)}-word document linked warm in ${String(result.linkDocumentMedianMs)} ms (median of 3; split ${JSON.stringify(result.medianSplitMs)})`);
  const outDir = a.get('out');
  if (outDir !== undefined && outDir !== '') {
    fs.mkdirSync(outDir, { recursive: true });
    fs.writeFileSync(path.join(outDir, `gpuCheckLink-${String(result.label)}.json`), `${JSON.stringify(result, null, 1)}\n`);
  }
}

main().catch((e: unknown) => {
  console.log(`gpuCheckLink failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
