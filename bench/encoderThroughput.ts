/**
 * Sentence-encoder throughput: our USE-lite ONNX path (tokenizer included) against the package's own TF.js
 * runtime (wasm backend) on the same entity-description-like texts, alternating in one run, at batch 1, 16
 * and 64. Also: load time cold/warm, tokens/s against the fp32 roofline (peak measured with a large ONNX
 * MatMul on the same threads), and peak RSS. Run: node out/bench/encoderThroughput.js [sentences]
 */
import { existsSync, readFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { lengthSortedBatches, paddedSlots } from '../src/core/encoder/lengthBatches';
import { UseLiteEncoder } from '../src/core/encoder/useLite/useLiteEncoder';
import { encodeModel, OnnxGraphBuilder, ONNX_TYPE } from '../src/core/encoder/useLite/onnxGraphBuilder';
import { loadOrt } from '../src/core/encoder/onnxRuntime';
import { defaultThreadCount } from '../src/core/encoder/onnxSession';
import { silentLogger } from '../src/core/log';
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

/** Practical fp32 peak: GFLOP/s of an n x n x n MatMul in onnxruntime with the encoder's thread count. */
async function measurePeakGflops(threads: number, n = 1024): Promise<number> {
  const ort = loadOrt();
  const b = new OnnxGraphBuilder();
  b.op('MatMul', ['a', 'b'], {}, 'c');
  const model = encodeModel(
    b,
    {
      name: 'peak',
      docString: '',
      inputs: [
        { name: 'a', elemType: ONNX_TYPE.float, shape: [n, n] },
        { name: 'b', elemType: ONNX_TYPE.float, shape: [n, n] },
      ],
      outputs: [{ name: 'c', elemType: ONNX_TYPE.float, shape: [n, n] }],
    },
    13,
  );
  const session = await ort.InferenceSession.create(model, { intraOpNumThreads: threads, interOpNumThreads: 1, executionProviders: ['cpu'] });
  const data = Float32Array.from({ length: n * n }, (_, i) => ((i * 7919) % 1000) / 1000);
  const feeds = { a: new ort.Tensor('float32', data, [n, n]), b: new ort.Tensor('float32', data, [n, n]) };
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
  const threads = defaultThreadCount();

  const coldLoad = await timeIt(async () => (await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger })).dispose());
  let encoder: UseLiteEncoder | undefined;
  const warmLoad = await timeIt(async () => {
    encoder = await UseLiteEncoder.load(modelDir, { provider: 'cpu', logger: silentLogger });
  });
  const onnx = encoder as UseLiteEncoder;
  await onnx.encode(texts.slice(0, 16));
  const rssAfterOnnx = process.resourceUsage().maxRSS / 1024;

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
  for (const batchSize of BATCH_SIZES) {
    const onnxTimes: number[] = [];
    const tfjsTimes: number[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      onnxTimes.push(await timeIt(() => onnx.encode(texts, { batchSize })));
      tfjsTimes.push(
        await timeIt(async () => {
          for (const chunk of chunks(texts, batchSize)) {
            await reference.embed(chunk);
          }
        }),
      );
    }
    const onnxRate = texts.length / best(onnxTimes);
    const tfjsRate = texts.length / best(tfjsTimes);
    const tokenRate = tokens / best(onnxTimes);
    const gflops = flops / best(onnxTimes) / 1e9;
    bestGflops = Math.max(bestGflops, gflops);
    ratios.push(onnxRate / tfjsRate);
    const lengths = texts.map((t) => onnx.tokenize(t).length);
    const padding = paddedSlots(lengths, lengthSortedBatches(lengths, batchSize)) / tokens - 1;
    rows.push([String(batchSize), `${(100 * padding).toFixed(1)}%`, onnxRate.toFixed(1), tfjsRate.toFixed(1), `${(onnxRate / tfjsRate).toFixed(1)}x`, tokenRate.toFixed(0), gflops.toFixed(1)]);
  }
  const peak = await measurePeakGflops(threads);
  await onnx.dispose();

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`USE-lite encoder throughput - ${new Date().toISOString().slice(0, 10)}, ${cpu}, ${os.cpus().length} logical CPUs, onnxruntime threads ${threads}`);
  console.log(`load average at the end ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} (figures on a busy machine are lower bounds)`);
  console.log(`${texts.length} texts from the ${source}, ${tokens} tokens (mean ${(tokens / texts.length).toFixed(1)}), best of ${ROUNDS} alternating rounds\n`);
  const header = ['batch', 'padding', 'ONNX sent/s', 'TF.js sent/s', 'ratio', 'ONNX tok/s', 'ONNX GFLOP/s'];
  const table = [header, ...rows];
  const widths = header.map((_, c) => Math.max(...table.map((r) => r[c].length)));
  for (const r of table) {
    console.log(r.map((cell, c) => cell.padStart(widths[c])).join('  '));
  }
  console.log('');
  console.log(`fp32 roofline: ${peak.toFixed(1)} GFLOP/s measured (1024^3 MatMul in onnxruntime, ${threads} threads); best encoder rate ${bestGflops.toFixed(1)} GFLOP/s = ${((100 * bestGflops) / peak).toFixed(0)}% of it (${(flops / tokens / 1e6).toFixed(2)} MFLOP/token on these texts)`);
  console.log(`load: ONNX cold ${(coldLoad * 1000).toFixed(0)} ms (first in process, includes onnxruntime-node), warm ${(warmLoad * 1000).toFixed(0)} ms (second session); TF.js ${(tfjsLoad * 1000).toFixed(0)} ms`);
  console.log(`peak RSS: ${rssAfterOnnx.toFixed(0)} MB after the ONNX encoder alone; ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB with TF.js loaded too`);
  console.log(`ratio at batch 64: ${ratios[ratios.length - 1].toFixed(1)}x (target >= 10x)`);
}

main().catch((e: unknown) => {
  console.error(e);
  process.exitCode = 1;
});
