import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { type CliIo, createCliIo } from '../../../src/cli/cliIo';
import { readGoldArgs, wsdLinkerOptions, wsdUnitArg } from '../../../src/cli/goldArgs';
import { repoRoot } from '../../fixtures/repoPaths';
import { runCli, scratch } from './cliRun';

const TINY = path.join(repoRoot, 'test/fixtures/formats/wsd/tiny.data.xml');
const io: CliIo = createCliIo({ verbose: false, quiet: true });

void test('--wsd-unit: sentence by default, text on request, anything else refused naming the flag', () => {
  assert.equal(wsdUnitArg(undefined), 'sentence');
  assert.equal(wsdUnitArg('text'), 'text');
  assert.equal(wsdUnitArg('paragraphs'), 'paragraphs');
  assert.throws(() => wsdUnitArg('paragraph'), /--wsd-unit must be one of sentence, text, paragraphs, got 'paragraph'/);
});

void test('wsdLinkerOptions: paragraphs keeps coherence in the paragraph; --self-exemplars P for every kind, or off', () => {
  assert.equal(wsdLinkerOptions('sentence'), undefined);
  assert.deepEqual(wsdLinkerOptions('paragraphs'), { coherenceScope: 'paragraph' });
  assert.deepEqual(wsdLinkerOptions('sentence', 'off'), { selfExemplars: {} });
  assert.deepEqual(wsdLinkerOptions('paragraphs', '0.7'), { coherenceScope: 'paragraph', selfExemplars: { senses: 0.7, retrievedSenses: 0.7, entities: 0.7 } });
  assert.throws(() => wsdLinkerOptions('sentence', '2'), /--self-exemplars needs a number from 0 to 1, got '2'/);
});

void test('readGoldArgs reads WSD gold per sentence, or per <text> with wsdUnit text (offsets into the joined text)', async () => {
  const sentences = await readGoldArgs([TINY], 'wsd', io);
  assert.deepEqual(sentences.docs.map((d) => d.id), ['d000.s000', 'd000.s001', 'd001.s000']);
  const texts = await readGoldArgs([TINY], 'wsd', io, undefined, undefined, 'text');
  assert.deepEqual(texts.docs.map((d) => d.id), ['d000', 'd001']);
  const d0 = texts.docs[0];
  assert.deepEqual(d0.mentions.map((m) => d0.text.slice(m.start, m.end)), ['bank', 'closed', 'reopen']);
  assert.equal(d0.text, "The bank closed . It didn't reopen");
});

void test('readGoldArgs with wsdUnit paragraphs: one document per <text>, its sentences paragraphs (blank line between)', async () => {
  const texts = await readGoldArgs([TINY], 'wsd', io, undefined, undefined, 'paragraphs');
  assert.deepEqual(texts.docs.map((d) => d.id), ['d000', 'd001']);
  const d0 = texts.docs[0];
  assert.equal(d0.text, "The bank closed .\n\nIt didn't reopen");
  assert.deepEqual(d0.mentions.map((m) => d0.text.slice(m.start, m.end)), ['bank', 'closed', 'reopen']);
  assert.equal(d0.group, undefined);
});

void test('eval and finetune check --wsd-unit before reading any input', () => {
  const s = scratch();
  try {
    const missing = s.at('missing.data.xml');
    for (const args of [['eval', '--gold', missing], ['finetune', '--train', missing, '--out', s.at('m')]]) {
      const r = runCli([...args, '--wsd-unit', 'paragraph']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /--wsd-unit must be one of sentence, text, paragraphs, got 'paragraph'/, args[0]);
    }
  } finally {
    s.cleanup();
  }
});
