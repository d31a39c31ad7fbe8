import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LinkerError } from '../../../src/core/errors';
import { wordnetSynsetCounts } from '../../../src/core/linker/wordnetSenseCounts';

void test('a synset\'s count is the sum of its sense keys\' tag counts', async () => {
  const dir = await mkdtemp(path.join(tmpdir(), 'wn-counts-'));
  await writeFile(
    path.join(dir, 'index.sense'),
    ['dog%1:05:00:: 02086723 1 42', 'domestic_dog%1:05:00:: 02086723 1 1', 'dog%1:18:01:: 10133978 3 0', 'run%2:38:00:: 01930512 1 7', ''].join('\n'),
  );
  const counts = await wordnetSynsetCounts(dir);
  assert.equal(counts.get('wn:02086723-n'), 43);
  assert.equal(counts.get('wn:10133978-n'), 0);
  assert.equal(counts.get('wn:01930512-v'), 7);
  await writeFile(path.join(dir, 'index.sense'), 'dog%1:05:00:: 02086723 1 many\n');
  await assert.rejects(wordnetSynsetCounts(dir), (e: unknown) => LinkerError.is(e, 'kbRecord') && e.location.line === 1);
});

void test('the installed WordNet has counts for common senses', async () => {
  const counts = await wordnetSynsetCounts();
  assert.ok((counts.get('wn:02086723-n') ?? 0) > 10);
});
