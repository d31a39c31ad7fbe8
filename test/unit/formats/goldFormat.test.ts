import * as path from 'node:path';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readGold, sniffGoldFormat } from '../../../src/core/formats/goldFormat';
import { formatFixture, tempTree } from './formatTestPaths';

void test('sniffGoldFormat: by folder layout, extension and first record', async () => {
  assert.equal(await sniffGoldFormat(formatFixture('zeshel')), 'zeshel');
  assert.equal(await sniffGoldFormat(formatFixture('zeshel', 'mentions', 'val.json')), 'zeshel');
  assert.equal(await sniffGoldFormat(formatFixture('wsd')), 'wsd');
  assert.equal(await sniffGoldFormat(formatFixture('wsd', 'tiny.data.xml')), 'wsd');
  assert.equal(await sniffGoldFormat(formatFixture('nif', 'tiny.ttl')), 'nif');
  assert.equal(await sniffGoldFormat(formatFixture('elevant', 'tiny.benchmark.jsonl')), 'elevant');
  assert.equal(await sniffGoldFormat(formatFixture('prodigy', 'tiny.jsonl')), 'prodigy');
  assert.equal(await sniffGoldFormat(formatFixture('annotations', 'notes.txt.annotations.jsonl')), 'annotations');
  const store = path.resolve(__dirname, '../../../../test/fixtures/annotations/workspace');
  assert.equal(await sniffGoldFormat(store), 'annotations', 'a workspace holding .entity-links');
  assert.equal(await sniffGoldFormat(path.join(store, '.entity-links')), 'annotations', 'the store folder');
  assert.equal(await sniffGoldFormat(path.join(store, '.entity-links', 'notes.txt.jsonl')), 'annotations', 'one store file');
  const t = tempTree({ 'gold.txt': '@prefix nif: <http://x#> .\n', 'odd.jsonl': '{"foo": 1}\n' });
  try {
    assert.equal(await sniffGoldFormat(t.file('gold.txt')), 'nif');
    await assert.rejects(sniffGoldFormat(t.file('odd.jsonl')), /odd\.jsonl:1: cannot tell the gold format/);
    await assert.rejects(sniffGoldFormat(t.file('missing.json')), /no such file/);
  } finally {
    t.cleanup();
  }
});

void test('readGold: auto reads what the named reader reads', async () => {
  const auto = await readGold(formatFixture('wsd'));
  const named = await readGold(formatFixture('wsd', 'tiny.data.xml'), 'wsd');
  assert.deepEqual(auto, named);
  assert.equal(auto.flatMap((d) => d.mentions).length, 4);
});
