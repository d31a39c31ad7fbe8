/**
 * One provider's part of scripts/gpuCheck.sh: opens the encoders on one execution provider and prints whether
 * that worked (or the exact error), texts/s at batch 64, and, off the CPU, how far the vectors drift from the
 * CPU's. Runs in its own process per provider, so a provider that crashes or hangs cannot take the others down.
 *
 *   node out/scripts/gpuCheck.js --build-fixture DIR
 *   node out/scripts/gpuCheck.js --provider auto|cuda|webgpu|cpu --fixture DIR [--use-lite DIR] [--out DIR] [--seconds N] [--label NAME] [--cuda-provider-dir DIR]
 *   node out/scripts/gpuCheck.js --check-cuda-dir DIR     (prints what the linker's pre-check finds in a CUDA provider folder)
 *
 * WebGPU needs no manual step: on a headless NVIDIA machine the linker itself points the Vulkan loader at the
 * driver's EGL ICD (src/core/encoder/gpu/vulkanIcd.ts) and logs the VK_ICD_FILENAMES it set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ExecutionProviderChoice, TextEncoder } from '../src/core/encoder/encoder';
import { HfEncoder } from '../src/core/encoder/hf/hfEncoder';
import { loadEncoder } from '../src/core/encoder/loadEncoder';
import { checkCudaProviderDir } from '../src/core/encoder/gpu/cudaProviderDir';
import { systemGpuProbe } from '../src/core/encoder/gpu/gpuProbe';
import { installedOrtPackageDir, loadOrt, setCudaProviderDir } from '../src/core/encoder/onnxRuntime';
import { args, logger } from './gpuCheckCommon';
import { RANDOM_BERT_VOCAB, writeRandomBert } from '../test/fixtures/builders/randomBert';

const BATCH = 64;

interface ModelResult {
  model: string;
  ortSession: string;
  encoder: string;
  provider?: string;
  loadMs?: number;
  textsPerSecond?: number;
  batches?: number;
  maxAbsDiffVsCpu?: number;
  minCosineVsCpu?: number;
}

/** Seeded sentences of 5 to 60 words, so batches have realistic, uneven lengths. */
function sampleTexts(count: number): string[] {
  const words = RANDOM_BERT_VOCAB.filter((w) => !w.startsWith('[') && !w.startsWith('##'));
  let state = 12345;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state / 4294967296;
  };
  return Array.from({ length: count }, () => {
    const n = 5 + Math.floor(next() * 56);
    return Array.from({ length: n }, () => words[Math.floor(next() * words.length)]).join(' ');
  });
}

async function rawSession(modelFile: string, provider: ExecutionProviderChoice): Promise<string> {
  try {
    const session = await loadOrt({ provider, logger }).InferenceSession.create(modelFile, { executionProviders: [provider] });
    await session.release();
    return 'ok';
  } catch (e) {
    return `FAILED: ${(e as Error).message.trim()}`;
  }
}

/** Encodes successive batches of 64 until `seconds` have passed (at least two batches), after one warm-up batch. */
async function throughput(encoder: TextEncoder, texts: string[], seconds: number): Promise<{ textsPerSecond: number; batches: number }> {
  await encoder.encode(texts.slice(0, BATCH), { batchSize: BATCH });
  let done = 0;
  let batches = 0;
  const start = performance.now();
  while (batches < 2 || performance.now() - start < seconds * 1000) {
    const from = (batches * BATCH) % texts.length;
    const batch = texts.slice(from, from + BATCH);
    await encoder.encode(batch, { batchSize: BATCH });
    done += batch.length;
    batches++;
  }
  return { textsPerSecond: done / ((performance.now() - start) / 1000), batches };
}

function compare(a: Float32Array[], b: Float32Array[]): { maxAbsDiff: number; minCosine: number } {
  let maxAbsDiff = 0;
  let minCosine = 1;
  a.forEach((v, i) => {
    let dot = 0;
    for (let d = 0; d < v.length; d++) {
      dot += v[d] * b[i][d];
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs(v[d] - b[i][d]));
    }
    minCosine = Math.min(minCosine, dot);
  });
  return { maxAbsDiff, minCosine };
}

async function checkModel(
  name: string,
  modelFile: string,
  open: (provider: ExecutionProviderChoice) => Promise<TextEncoder>,
  provider: ExecutionProviderChoice,
  seconds: number,
): Promise<ModelResult> {
  console.log(`  model ${name} (${modelFile})`);
  const result: ModelResult = { model: name, ortSession: await rawSession(modelFile, provider), encoder: 'not tried' };
  console.log(`    onnxruntime session alone on [${provider}]: ${result.ortSession}`);
  const t0 = performance.now();
  let encoder: TextEncoder;
  try {
    encoder = await open(provider);
  } catch (e) {
    result.encoder = `FAILED: ${(e as Error).message}`;
    console.log(`    encoder: ${result.encoder}`);
    return result;
  }
  result.loadMs = Math.round(performance.now() - t0);
  result.encoder = 'ok';
  result.provider = encoder.provider;
  try {
    const texts = sampleTexts(512);
    const speed = await throughput(encoder, texts, seconds);
    Object.assign(result, speed);
    console.log(`    encoder: ok on '${encoder.provider}', ${encoder.dims}-d, load ${result.loadMs} ms, ${speed.textsPerSecond.toFixed(1)} texts/s at batch ${BATCH} (${speed.batches} batches)`);
    if (provider !== 'cpu') {
      const cpu = await open('cpu');
      const sample = texts.slice(0, BATCH);
      const drift = compare(await encoder.encode(sample, { batchSize: BATCH }), await cpu.encode(sample, { batchSize: BATCH }));
      await cpu.dispose();
      result.maxAbsDiffVsCpu = drift.maxAbsDiff;
      result.minCosineVsCpu = drift.minCosine;
      console.log(`    vs cpu on ${BATCH} texts: max |diff| ${drift.maxAbsDiff.toExponential(2)}, min cosine ${drift.minCosine.toFixed(6)}`);
    }
  } catch (e) {
    result.encoder = `FAILED while encoding: ${(e as Error).message}`;
    console.log(`    encoder: ${result.encoder}`);
  } finally {
    await encoder.dispose();
  }
  return result;
}

async function main(): Promise<void> {
  const a = args();
  const cudaDir = a.get('check-cuda-dir');
  if (cudaDir !== undefined) {
    const version = (JSON.parse(fs.readFileSync(path.join(installedOrtPackageDir(), 'package.json'), 'utf8')) as { version: string }).version;
    const check = checkCudaProviderDir(path.resolve(cudaDir), version, systemGpuProbe());
    console.log(`  ${check.ok ? 'usable' : 'NOT usable'}: ${cudaDir} for onnxruntime-node ${version}; folder version ${check.version === undefined ? 'unknown' : `${check.version.version} (${check.version.source})`}`);
    for (const d of check.dependencies) console.log(`    needs ${d.name}: ${d.foundAt ?? 'NOT FOUND'}`);
    for (const problem of check.problems) console.log(`    problem: ${problem}`);
    return;
  }
  setCudaProviderDir(a.get('cuda-provider-dir'));
  const buildDir = a.get('build-fixture');
  if (buildDir !== undefined) {
    // MiniLM-L6 shape (384 wide, 6 layers, 12 heads), so texts/s is in the range a real small encoder gets.
    const t0 = performance.now();
    writeRandomBert(buildDir, { seed: 1, hiddenSize: 384, heads: 12, layers: 6, intermediateSize: 1536, maxPositions: 128 });
    console.log(`random MiniLM-shaped BERT written to ${buildDir} in ${Math.round(performance.now() - t0)} ms`);
    return;
  }
  const provider = (a.get('provider') ?? 'cpu') as ExecutionProviderChoice;
  const fixture = path.resolve(a.get('fixture') ?? '');
  const useLite = a.get('use-lite');
  const seconds = Number(a.get('seconds') ?? '4');
  console.log(`provider ${provider}`);
  const results: ModelResult[] = [];
  results.push(await checkModel('hf-random-minilm', path.join(fixture, 'model.onnx'), (p) => HfEncoder.load(fixture, { provider: p, logger }), provider, seconds));
  if (useLite !== undefined && fs.existsSync(path.join(useLite, 'model.onnx'))) {
    const dir = path.resolve(useLite);
    results.push(await checkModel('use-lite', path.join(dir, 'model.onnx'), (p) => loadEncoder(dir, { provider: p, logger }), provider, seconds));
  }
  const outDir = a.get('out');
  if (outDir !== undefined && outDir !== '') {
    fs.mkdirSync(outDir, { recursive: true });
    const label = a.get('label') ?? provider;
    fs.writeFileSync(path.join(outDir, `gpuCheck-${label}.json`), `${JSON.stringify({ provider, label, node: process.version, results }, null, 1)}\n`);
  }
}

main().catch((e: unknown) => {
  console.log(`gpuCheck failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
  process.exitCode = 1;
});
