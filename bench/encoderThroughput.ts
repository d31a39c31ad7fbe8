/**
 * Sentence-encoder throughput: our USE-lite ONNX path (tokenizer included) at fp32 and at int8 (quantizeInt8.ts)
 * against the package's own TF.js runtime (wasm backend) on the same entity-description-like texts, alternating
 * in one run, at batch 1, 16 and 64. Also: load time cold/warm, tokens/s against the fp32 and int8 rooflines
 * (peak measured with a large ONNX MatMul, plain and quantised, on the same threads), the int8 vectors' cosine
 * to the fp32 ones, and peak RSS. Run: node out/bench/encoderThroughput.js [sentences]
 */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lengthSortedBatches, paddedSlots } from '../src/core/encoder/lengthBatches';
import { UseLiteEncoder } from '../src/core/encoder/useLite/useLiteEncoder';
import { encodeModel, OnnxGraphBuilder, ONNX_TYPE } from '../src/core/encoder/useLite/onnxGraphBuilder';
import { quantizeMatMulsInt8 } from '../src/core/encoder/useLite/quantizeInt8';
import { ensureUseLiteModel } from '../src/core/encoder/useLite/useLiteModel';
import { loadOrt } from '../src/core/encoder/onnxRuntime';
import { defaultThreadCount } from '../src/core/encoder/onnxSession';
import { silentLogger } from '../src/core/log';
import { dotAt } from '../src/core/vectorMath';
import { loadTfjsReference } from '../test/fixtures/encoder/tfjsReference';
import { useLiteTestModelDir } from '../test/fixtures/encoder/useLiteModelDir';

/**
 * Useful fp32 FLOPs of one text of n tokens, counted from the weight shapes (models/README.md): per token
 * 4,653,056 multiply-adds in the projections and FFNs of the two layers, attention 2 x n x (256 + 512) per
 * token, and the 512x512 tanh layer once per text. Padding the batch adds work that is not counted.
 */
function flopsOfText(n: number): number {
  return 2 * (4_653_056 * n + 2 * 768 * n * n + 512 * 512);
}
const BATCH_SIZES = [1, 16, 64];
const ROUNDS = 3;

const BUILT_IN = [
  'The Browning Automatic Rifle was a family of United States automatic rifles and light machine guns used during the 20th century.',
  'John Wilkes Booth was an American stage actor who assassinated President Abraham Lincoln at Ford’s Theatre in Washington, D.C.',
  'Pregnancy is the fertilization and development of one or more offspring, known as an embryo or fetus, in a woman’s uterus.',
  'Wayne Gretzky is a Canadian former professional ice hockey player and former head coach, widely regarded as the greatest player.',
  'Apple Inc. is an American multinational technology company that designs, develops and sells consumer electronics and software.',
  'The apple is the edible fruit of the apple tree, cultivated worldwide and the most widely grown species in the genus Malus.',
  'Mercury is the smallest planet in the Solar System and the closest to the Sun, with an orbital period of about 88 Earth days.',
  'Paris is the capital and most populous city of France, a centre of finance, diplomacy, commerce, fashion, science and the arts.',
];

function loadTexts(count: number): { texts: string[]; source: string } {
  const wiki = path.resolve(__dirname, '..', '..', '..', 'shared', 'data', 'wiki11k', 'Wiki.txt');
  const found: string[] = [];
  if (existsSync(wiki)) {
    for (const line of readFileSync(wiki, 'utf8').split('\n')) {
      const info = line.split('\t').find((f) => f.startsWith('info:Info:'));
      if (info === undefined) {
        continue;
      }
      // Keep roughly the first 40 words: about 50 SentencePiece tokens, the length of a short description.
      found.push(info.slice('info:Info:'.length).split(/\s+/).slice(0, 40).join(' '));
      if (found.length === count) {
        return { texts: found, source: 'wiki11k info fields' };
      }
    }
  }
  return { texts: Array.from({ length: count }, (_, i) => BUILT_IN[i % BUILT_IN.length]), source: 'built-in list' };
}

/** Best of the rounds: on a shared 2-core machine other processes only ever slow a round down. */
function best(xs: number[]): number {
  return Math.min(...xs);
}

async function timeIt(fn: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await fn();
  return Number(process.hrtime.bigint() - t0) / 1e9;
}

/**
 * Practical peak: GFLOP/s (int8: GOP/s, activation quantisation included) of an n x n x n MatMul against a
 * constant weight in onnxruntime with the encoder's thread count.
 */
async function measurePeakGflops(threads: number, int8: boolean, n = 1024): Promise<number> {
  const ort = loadOrt();
  const b = new OnnxGraphBuilder();
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000);
  b.op('MatMul', ['a', b.float(data, [n, n], 'b')], {}, 'c');
  const fp32 = encodeModel(
    b,
    {
      name: 'peak',
      docString: '',
      inputs: [{ name: 'a', elemType: ONNX_TYPE.float, shape: [n, n] }],
      outputs: [{ name: 'c', elemType: ONNX_TYPE.float, shape: [n, n] }],
    },
    13,
  );
  const model = int8 ? quantizeMatMulsInt8(fp32).onnx : fp32;
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'], graphOptimizationLevel: 'all' });
  const feeds = { a: new ort.Tensor('float32', data, [n, n]) };
  await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    times.push(await timeIt(() => session.run(feeds)));
  }
  await session.release();
  return (2 * n * n * n) / Math.min(...times) / 1e9;
}

function chunks<T>(xs: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < xs.length; i += size) {
    out.push(xs.slice(i, i + size));
  }
  return out;
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 256);
  const { texts, source } = loadTexts(count);
  const modelDir = await useLiteTestModelDir();
  await ensureUseLiteModel(modelDir, { logger: silentLogger, precision: 'int8' });
  const threads = defaultThreadCount();

  const coldLoad = await timeIt(async () => (await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger })).dispose());
  let encoder: UseLiteEncoder | undefined;
  const warmLoad = await timeIt(async () => {
    encoder = await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger });
  });
  const onnx = encoder as UseLiteEncoder;
  await onnx.encode(texts.slice(0, 16));
  const rssAfterOnnx = process.resourceUsage().maxRSS / 1024;
  let int8Encoder: UseLiteEncoder | undefined;
  const int8Load = await timeIt(async () => {
    int8Encoder = await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger, precision: 'int8' });
  });
  const int8 = int8Encoder as UseLiteEncoder;
  await int8.encode(texts.slice(0, 16));
  const agreement = cosines(await onnx.encode(texts), await int8.encode(texts));

  let tfjs: Awaited<ReturnType<typeof loadTfjsReference>> | undefined;
  const tfjsLoad = await timeIt(async () => {
    tfjs = await loadTfjsReference();
  });
  const reference = tfjs as Awaited<ReturnType<typeof loadTfjsReference>>;
  await reference.embed(texts.slice(0, 16));

  const tokens = texts.reduce((n, t) => n + onnx.tokenize(t).length, 0);
  const flops = texts.reduce((f, t) => f + flopsOfText(onnx.tokenize(t).length), 0);
  const rows: string[][] = [];
  const ratios: number[] = [];
  let bestGflops = 0;
  let bestInt8Gops = 0;
  for (const batchSize of BATCH_SIZES) {
    const onnxTimes: number[] = [];
    const int8Times: number[] = [];
    const tfjsTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      onnxTimes.push(await timeIt(() => onnx.encode(texts, { batchSize })));
      int8Times.push(await timeIt(() => int8.encode(texts, { batchSize })));
      tfjsTimes.push(
        await timeIt(async () => {
          for (const chunk of chunks(texts, batchSize)) {
            await reference.embed(chunk);
          }
        }),
      );
    }
    const onnxRate = texts.length / best(onnxTimes);
    const int8Rate = texts.length / best(int8Times);
    const tfjsRate = texts.length / best(tfjsTimes);
    bestInt8Gops = Math.max(bestInt8Gops, flops / best(int8Times) / 1e9);
    const tokenRate = tokens / best(onnxTimes);
    const gflops = flops / best(onnxTimes) / 1e9;
    bestGflops = Math.max(bestGflops, gflops);
    ratios.push(onnxRate / tfjsRate);
    const lengths = texts.map((t) => onnx.tokenize(t).length);
    const padding = paddedSlots(lengths, lengthSortedBatches(lengths, batchSize)) / tokens - 1;
    rows.push([
      String(batchSize),
      `${(100 * padding).toFixed(1)}%`,
      onnxRate.toFixed(1),
      int8Rate.toFixed(1),
      tfjsRate.toFixed(1),
      `${(onnxRate / tfjsRate).toFixed(1)}x`,
      `${(int8Rate / tfjsRate).toFixed(1)}x`,
      `${(int8Rate / onnxRate).toFixed(2)}x`,
      tokenRate.toFixed(0),
      gflops.toFixed(1),
    ]);
  }
  const peak = await measurePeakGflops(threads, false);
  const int8Peak = await measurePeakGflops(threads, true);
  await onnx.dispose();
  await int8.dispose();

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`USE-lite encoder throughput - ${new Date().toISOString().slice(0, 10)}, ${cpu}, ${os.cpus().length} logical CPUs, onnxruntime threads ${threads}`);
  console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (figures on a busy machine are lower bounds)`);
  console.log(`${texts.length} texts from the ${source}, ${tokens} tokens (mean ${(tokens / texts.length).toFixed(1)}), best of ${ROUNDS} alternating rounds\n`);
  const header = ['batch', 'padding', 'fp32 sent/s', 'int8 sent/s', 'TF.js sent/s', 'fp32/TF.js', 'int8/TF.js', 'int8/fp32', 'fp32 tok/s', 'fp32 GFLOP/s'];
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)));
  for (const r of table) {
    console.log(r.map((cell, c) => cell.padStart(widths[c])).join('  '));
  }
  console.log('');
  console.log(`fp32 roofline: ${peak.toFixed(1)} GFLOP/s measured (1024^3 MatMul in onnxruntime, ${threads} threads); best encoder rate ${bestGflops.toFixed(1)} GFLOP/s = ${((100 * bestGflops) / peak).toFixed(0)}% of it (${(flops / tokens / 1e6).toFixed(2)} MFLOP/token on these texts)`);
  console.log(`int8 roofline: ${int8Peak.toFixed(1)} GOP/s measured (the same MatMul quantised by quantizeInt8.ts, activation quantisation included); best int8 encoder rate ${bestInt8Gops.toFixed(1)} GOP/s = ${((100 * bestInt8Gops) / int8Peak).toFixed(0)}% of it`);
  console.log(`int8 vs fp32 vectors on these texts: cosine worst ${agreement.worst.toFixed(5)}, mean ${agreement.mean.toFixed(5)}`);
  console.log(`load: ONNX fp32 cold ${(coldLoad * 1000).toFixed(0)} ms (first in process, includes onnxruntime-node), warm ${(warmLoad * 1000).toFixed(0)} ms (second session); int8 ${(int8Load * 1000).toFixed(0)} ms; TF.js ${(tfjsLoad * 1000).toFixed(0)} ms`);
  console.log(`peak RSS: ${rssAfterOnnx.toFixed(0)} MB after the ONNX encoder alone; ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB with TF.js loaded too`);
  console.log(`ratio at batch 64: ${ratios[ratios.length - 1].toFixed(1)}x (target >= 10x)`);
}

/** Worst and mean cosine between paired unit vectors. */
function cosines(a: readonly Float32Array[], b: readonly Float32Array[]): { worst: number; mean: number } {
  let worst = 1;
  let total = 0;
  a.forEach((x, i) => {
    const dot = dotAt(x, 0, b[i], 0, x.length);
    worst = Math.min(worst, dot);
    total += dot;
  });
  return { worst, mean: total / a.length };
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
