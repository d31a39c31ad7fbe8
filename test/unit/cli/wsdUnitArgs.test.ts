import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { type CliIo, createCliIo } from '../../../src/cli/cliIo';
import { readGoldArgs, wsdUnitArg } from '../../../src/cli/goldArgs';
import { repoRoot } from '../../fixtures/repoPaths';
import { runCli, scratch } from './cliRun';

const TINY = path.join(repoRoot, 'test/fixtures/formats/wsd/tiny.data.xml');
const io: CliIo = createCliIo({ verbose: false, quiet: true });

void test('--wsd-unit: sentence by default, text on request, anything else refused naming the flag', () => {
  assert.equal(wsdUnitArg(undefined), 'sentence');
  assert.equal(wsdUnitArg('text'), 'text');
  assert.throws(() => wsdUnitArg('paragraph'), /--wsd-unit must be one of sentence, text, got 'paragraph'/);
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

void test('eval and finetune check --wsd-unit before reading any input', () => {
  const s = scratch();
  try {
    const missing = s.at('missing.data.xml');
    for (const args of [['eval', '--gold', missing], ['finetune', '--train', missing, '--out', s.at('m')]]) {
      const r = runCli([...args, '--wsd-unit', 'paragraph']);
      assert.equal(r.code, 1, r.stderr);
      assert.match(r.stderr, /--wsd-unit must be one of sentence, text, got 'paragraph'/, args[0]);
    }
  } finally {
    s.cleanup();
  }
});
