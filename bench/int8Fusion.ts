/**
 * Does onnxruntime fuse our int8 pattern, and what does the fusion buy? The converted USE-lite graph alone (no
 * tokenizer, no JS around it) at fp32 and int8, each with graph optimisation `all` (int8: the chain becomes
 * com.microsoft.DynamicQuantizeMatMul) and `basic` (int8: DynamicQuantizeLinear, MatMulInteger, Cast and Mul run
 * as separate kernels). Four sessions stay open and take turns, best of 12 passes each; 256 wiki11k
 * descriptions (first 40 words) in length-sorted batches of 32. Also prints the op types of the optimised int8
 * graph.   node out/bench/int8Fusion.js
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { onnx } from 'onnx-proto';
import type * as ort from 'onnxruntime-node';
import { loadOrt } from '../src/core/encoder/onnxRuntime';
import { sparseFeeds } from '../src/core/encoder/useLite/useLiteEncoder';
import { ensureUseLiteModel } from '../src/core/encoder/useLite/useLiteModel';
import { silentLogger } from '../src/core/log';
import { SentencePieceUnigramTokenizer, type SentencePieceVocabulary } from '../src/core/text/sentencePieceUnigram';
import { DATA, ROOT } from './benchData';

const PASSES = 12;
const BATCH = 32;

function texts(count: number): string[] {
  const out: string[] = [];
  for (const line of readFileSync(path.join(DATA, 'wiki11k', 'Wiki.txt'), 'utf8').split('\n')) {
    const info = line.split('\t').find((f) => f.startsWith('info:Info:'));
    if (info !== undefined) out.push(info.slice('info:Info:'.length).split(/\s+/).slice(0, 40).join(' '));
    if (out.length === count) break;
  }
  return out;
}

async function main(): Promise<void> {
  const ortApi = loadOrt();
  const dir = path.join(ROOT, 'models', 'use-lite');
  const manifest = await ensureUseLiteModel(dir, { logger: silentLogger, precision: 'int8' });
  const tokenizer = new SentencePieceUnigramTokenizer(JSON.parse(readFileSync(path.join(dir, manifest.vocab), 'utf8')) as SentencePieceVocabulary);
  const sample = texts(256);
  const ids = sample.map((t) => tokenizer.encode(t).slice(0, manifest.maxTokens)).sort((a, b) => a.length - b.length);
  const batches: Array<Record<string, ort.Tensor>> = [];
  for (let i = 0; i < ids.length; i += BATCH) batches.push(sparseFeeds(ids.slice(i, i + BATCH), manifest.inputs));
  const fp32 = path.join(dir, manifest.file);
  const int8 = path.join(dir, (manifest.int8 as NonNullable<typeof manifest.int8>).file);
  const tmp = mkdtempSync(path.join(os.tmpdir(), 'int8-fusion-'));
  const open = async (file: string, level: 'all' | 'basic', optimizedModelFilePath?: string): Promise<ort.InferenceSession> => {
    const options = { executionProviders: ['cpu'], intraOpNumThreads: 2, interOpNumThreads: 1, graphOptimizationLevel: level };
    const session = await ortApi.InferenceSession.create(file, optimizedModelFilePath === undefined ? options : { ...options, optimizedModelFilePath });
    for (const f of batches) await session.run(f, [manifest.outputs.embeddings]);
    return session;
  };
  const optimized = path.join(tmp, 'int8.optimized.onnx');
  const configs: Array<[string, ort.InferenceSession]> = [
    ['fp32, optimisation all', await open(fp32, 'all')],
    ['int8, optimisation all (fused)', await open(int8, 'all', optimized)],
    ['int8, optimisation basic (unfused)', await open(int8, 'basic')],
    ['fp32, optimisation basic', await open(fp32, 'basic')],
  ];
  const ops = new Map<string, number>();
  for (const node of onnx.ModelProto.decode(readFileSync(optimized)).graph?.node ?? []) {
    const op = `${node.domain !== undefined && node.domain !== null && node.domain !== '' ? `${node.domain}.` : ''}${node.opType}`;
    ops.set(op, (ops.get(op) ?? 0) + 1);
  }
  rmSync(tmp, { recursive: true, force: true });
  const best = configs.map(() => Infinity);
  for (let pass = 0; pass < PASSES; pass++) {
    for (let c = 0; c < configs.length; c++) {
      const t = performance.now();
      for (const f of batches) await configs[c][1].run(f, [manifest.outputs.embeddings]);
      best[c] = Math.min(best[c], performance.now() - t);
    }
  }
  console.log(`int8 fusion - ${new Date().toISOString().slice(0, 10)}, ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}`);
  const matmuls = [...ops].filter(([op]) => /MatMul|QuantizeLinear|Cast/.test(op)).map(([op, n]) => `${op} ${n}`);
  console.log(`optimised int8 graph: ${matmuls.join(', ')}`);
  console.log(`${sample.length} texts in batches of ${BATCH}, graph only, best of ${PASSES} interleaved passes:`);
  configs.forEach(([name], c) => console.log(`  ${name}: ${((sample.length / best[c]) * 1000).toFixed(0)} texts/s (${(best[0] / best[c]).toFixed(2)}x fp32 all)`));
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
  for (const [, session] of configs) await session.release();
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
