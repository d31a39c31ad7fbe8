import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { SentencePieceUnigramTokenizer, type SentencePieceVocabulary } from '../../../src/core/text/sentencePieceUnigram';

const repoRoot = path.resolve(__dirname, '..', '..', '..', '..');
const vocabPath = path.join(repoRoot, 'node_modules', '@energetic-ai', 'model-embeddings-en', 'dist', 'vocab.json');
const vocabulary = JSON.parse(readFileSync(vocabPath, 'utf8')) as SentencePieceVocabulary;
const fixed = JSON.parse(readFileSync(path.join(repoRoot, 'test', 'fixtures', 'encoder', 'tokenizerStrings.json'), 'utf8')) as string[];

/** The package's own tokenizer, reached through EmbeddingsModel (the package does not export the class). */
async function referenceTokenizer(): Promise<{ encode(text: string): number[] }> {
  const embeddings = await import('@energetic-ai/embeddings');
  const model = new embeddings.EmbeddingsModel({ vocabulary: vocabulary as Array<[string, number]>, model: undefined as never });
  return model.tokenizer;
}

/** Deterministic pseudo-random strings mixing vocabulary pieces, unknown characters and spacing. */
function generatedStrings(count: number): string[] {
  let seed = 12345;
  const next = (n: number): number => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed % n;
  };
  const extras = [' ', '  ', '\u2581', 'é', 'ß', 'Ω', 'ж', '中', 'の', '🙂', '\u0301', '-', '.', ',', '"', 'Q', 'zz', '\u00a0', '\t'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const parts: string[] = [];
    const n = 1 + next(12);
    for (let j = 0; j < n; j++) {
      parts.push(next(3) === 0 ? extras[next(extras.length)] : vocabulary[6 + next(vocabulary.length - 6)][0].replace(/\u2581/g, ' '));
    }
    out.push(parts.join(next(2) === 0 ? '' : ' '));
  }
  return out;
}

void test('the fixture set is varied enough to mean something', () => {
  assert.ok(fixed.length >= 100, `${fixed.length} strings`);
  for (const kind of ['', ' ', '!!!', '🙂']) {
    assert.ok(fixed.includes(kind), `the set contains ${JSON.stringify(kind)}`);
  }
  assert.ok(fixed.some((s) => s.length > 1000), 'the set has a long text');
});

void test('token ids equal the package tokenizer on the fixture and generated strings', async () => {
  const reference = await referenceTokenizer();
  const ours = new SentencePieceUnigramTokenizer(vocabulary);
  const all = [...fixed, ...generatedStrings(300)];
  const mismatches = all.filter((s) => JSON.stringify(ours.encode(s)) !== JSON.stringify(reference.encode(s)));
  assert.deepEqual(
    mismatches.slice(0, 5).map((s) => ({ text: s, ours: ours.encode(s), reference: reference.encode(s) })),
    [],
  );
});

void test('empty text gives no tokens; whitespace gives boundary pieces', () => {
  const tok = new SentencePieceUnigramTokenizer(vocabulary);
  assert.deepEqual(tok.encode(''), []);
  assert.ok(tok.encode('   ').length > 0);
});

void test('runs of unknown characters collapse into one unknown id', () => {
  const tok = new SentencePieceUnigramTokenizer(vocabulary);
  const ids = tok.encode('\u{10400}\u{10401}\u{10402}');
  assert.ok(ids.includes(0));
  for (let i = 1; i < ids.length; i++) {
    assert.ok(!(ids[i] === 0 && ids[i - 1] === 0), `ids ${ids.join(',')} hold adjacent unknowns`);
  }
});

void test('a tiny hand-made vocabulary segments by best total score', () => {
  const vocab: SentencePieceVocabulary = [
    ['<unk>', 0], ['<s>', 0], ['</s>', 0], ['x1', 0], ['x2', 0], ['x3', 0],
    ['\u2581ab', -1], ['\u2581a', -2], ['b', -2], ['c', -1], ['\u2581', -3], ['bc', -0.5],
  ];
  const tok = new SentencePieceUnigramTokenizer(vocab);
  // '▁abc': ▁ab + c scores -2, ▁a + bc scores -2.5, ▁ + ... is worse still.
  assert.deepEqual(tok.encode('abc'), [6, 9]);
  assert.deepEqual(tok.encode('ab'), [6]);
});
