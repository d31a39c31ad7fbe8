import { embedAll } from '../../src/core/index/embeddingCache';

/**
 * The process the embedding kill test shoots: it embeds EMBED_KILL_TEXTS with a slow deterministic fake encoder
 * (the real model is not needed to test the cache), checkpointing after every batch, and prints `batch <n>`
 * after each encode call returns. The parent kills it with SIGKILL partway.
 *   node embedLoopChild.js <cacheDir>
 */
export const EMBED_KILL_TEXTS = Array.from({ length: 4000 }, (_, i) => `entity ${i} | a description of entity number ${i}`);
export const EMBED_KILL_DIMS = 8;
export const EMBED_KILL_BATCH = 50;

/** The fake encoder's vector for a text: a function of the text alone, so a resumed run can be checked exactly. */
export function fakeVector(text: string): Float32Array {
  const v = new Float32Array(EMBED_KILL_DIMS);
  for (let i = 0; i < text.length; i++) v[i % EMBED_KILL_DIMS] += text.charCodeAt(i) / 1000;
  return v;
}

async function main(): Promise<void> {
  const [cacheDir] = process.argv.slice(2);
  let batches = 0;
  await embedAll({
    cacheDir: cacheDir!,
    modelId: 'fake-kill-test',
    dims: EMBED_KILL_DIMS,
    texts: EMBED_KILL_TEXTS,
    batchSize: EMBED_KILL_BATCH,
    checkpointMs: 0,
    encode: async (texts) => {
      await new Promise((r) => setTimeout(r, 15));
      process.stdout.write(`batch ${++batches}\n`);
      return texts.map(fakeVector);
    },
  });
  process.stdout.write('done\n');
}

if (require.main === module) {
  void main();
}
