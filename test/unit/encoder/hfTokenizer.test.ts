import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { readHfModelSettings } from '../../../src/core/encoder/hf/hfModelConfig';
import { HfTokenizer } from '../../../src/core/encoder/hf/hfTokenizer';
import { lengthSortedBatches } from '../../../src/core/encoder/lengthBatches';
import type { RandomBertFolder } from '../../fixtures/builders/randomBert';
import { makeRandomBertFolder } from '../../fixtures/builders/randomBert';

let folder: RandomBertFolder;

before(() => {
  folder = makeRandomBertFolder({ seed: 11, maxPositions: 10 });
});

after(() => {
  fs.rmSync(folder.dir, { recursive: true, force: true });
});

const id = (token: string): number => folder.vocab.indexOf(token);

void test('WordPiece tokenisation lower-cases, splits punctuation and sub-words, and adds [CLS] ... [SEP]', () => {
  const tokenizer = HfTokenizer.load(folder.dir, 10);
  const encoded = tokenizer.encode('Steve Jobs played, xyz');
  assert.deepEqual(encoded.ids, [id('[CLS]'), id('steve'), id('jobs'), id('play'), id('##ed'), id(','), id('[UNK]'), id('[SEP]')]);
  assert.deepEqual(encoded.typeIds, new Array(8).fill(0));
  assert.equal(tokenizer.padId, id('[PAD]'));
  assert.deepEqual(tokenizer.encode('').ids, [id('[CLS]'), id('[SEP]')]);
});

void test('truncation cuts the text\'s tokens and keeps the closing [SEP]', () => {
  const tokenizer = HfTokenizer.load(folder.dir, 6);
  const encoded = tokenizer.encode('one two three four five six');
  assert.deepEqual(encoded.ids, [id('[CLS]'), id('one'), id('two'), id('three'), id('four'), id('[SEP]')]);
  assert.equal(encoded.typeIds.length, 6);
  assert.throws(() => HfTokenizer.load(folder.dir, 2), (e: unknown) => LinkerError.is(e, 'modelLoad'));
});

void test('the maximum length is the smallest limit the config files set; "no limit" sentinels are ignored', () => {
  assert.equal(readHfModelSettings(folder.dir).maxLength, 10);
  const dir = makeRandomBertFolder({ seed: 11, maxPositions: 64 }).dir;
  try {
    fs.writeFileSync(path.join(dir, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 1e30 }));
    assert.equal(readHfModelSettings(dir).maxLength, 64);
    fs.writeFileSync(path.join(dir, 'sentence_bert_config.json'), JSON.stringify({ max_seq_length: 16 }));
    assert.equal(readHfModelSettings(dir).maxLength, 16);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('pooling comes from manifest.json, then 1_Pooling/config.json, else mean; unsupported modes are errors', () => {
  const dir = makeRandomBertFolder({ seed: 11, sentenceTransformersPooling: 'cls' }).dir;
  try {
    assert.deepEqual(readHfModelSettings(folder.dir).pooling, 'mean');
    assert.equal(readHfModelSettings(dir).pooling, 'cls');
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ kind: 'hf', pooling: 'mean' }));
    assert.equal(readHfModelSettings(dir).pooling, 'mean');
    fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ kind: 'hf', pooling: 'max' }));
    assert.throws(() => readHfModelSettings(dir), (e: unknown) => LinkerError.is(e, 'modelLoad') && e.location.file === path.join(dir, 'manifest.json'));
    fs.rmSync(path.join(dir, 'manifest.json'));
    fs.writeFileSync(path.join(dir, '1_Pooling', 'config.json'), JSON.stringify({ pooling_mode_max_tokens: true }));
    assert.throws(() => readHfModelSettings(dir), /pooling_mode_max_tokens/);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('a broken config.json is a modelLoad error naming it', () => {
  const dir = makeRandomBertFolder({ seed: 11 }).dir;
  try {
    fs.writeFileSync(path.join(dir, 'config.json'), '{ not json');
    assert.throws(() => readHfModelSettings(dir), (e: unknown) => LinkerError.is(e, 'modelLoad') && /config\.json/.test(e.message));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

void test('length buckets sort by length, keep ties in input order and cover every index once', () => {
  assert.deepEqual(lengthSortedBatches([5, 1, 3, 1, 9, 3], 2), [[1, 3], [2, 5], [0, 4]]);
  assert.deepEqual(lengthSortedBatches([], 4), []);
  assert.deepEqual(lengthSortedBatches([2, 2, 2], 0), [[0], [1], [2]]);
});
