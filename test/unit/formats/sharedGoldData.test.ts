import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as path from 'node:path';
import { readElevantFile } from '../../../src/core/formats/elevantReader';
import { readGold } from '../../../src/core/formats/goldFormat';
import { readProdigyFile } from '../../../src/core/formats/prodigyReader';
import { readWsdFiles } from '../../../src/core/formats/wsdReader';
import { readZeshel } from '../../../src/core/formats/zeshelReader';
import { sharedData, sharedMissing } from './formatTestPaths';

// Real data from ../shared/data (see its README); each test skips visibly when its folder is absent.

void test('shared zeshel-sample: token spans convert to character spans whose text matches', { skip: sharedMissing('zeshel-sample') }, async () => {
  const docs = await readZeshel(path.join(sharedData, 'zeshel-sample'));
  const mentions = docs.flatMap((d) => d.mentions.map((m) => ({ d, m })));
  assert.equal(mentions.length, 4);
  assert.deepEqual(new Set(docs.map((d) => d.collection)), new Set(['military', 'pro_wrestling', 'starwars', 'doctor_who']));
  for (const { d, m } of mentions) {
    assert.equal(d.text.slice(m.start, m.end), m.text);
  }
  assert.ok(mentions.some(({ m }) => m.text === 'besieged Antioch' && m.goldIds[0] === '925ED6501F6D4BD6'));
});

void test('shared elevant derczynski: 183 documents, 292 top-level mentions, 210 with a QID', { skip: sharedMissing('elevant', 'derczynski.benchmark.jsonl') }, async () => {
  const docs = await readElevantFile(path.join(sharedData, 'elevant', 'derczynski.benchmark.jsonl'));
  const mentions = docs.flatMap((d) => d.mentions);
  assert.equal(docs.length, 183);
  assert.equal(mentions.length, 292);
  assert.equal(mentions.filter((m) => !m.nil).length, 210);
  assert.ok(mentions.filter((m) => !m.nil).every((m) => /^Q\d+$/.test(m.goldIds[0]) && (m.goldNames?.length ?? 0) === 1));
});

void test('shared elevant: every benchmark file loads with its documented document and mention counts', { skip: sharedMissing('elevant') }, async () => {
  // README counts; its "with a QID" column also counts QUANTITY labels, which are NIL here, so only docs/mentions are checked.
  const expected: Record<string, [number, number]> = {
    'news-fair': [40, 507],
    'oke-2015-eval': [101, 664],
    'oke-2016-train': [196, 1049],
    'reuters-128': [128, 880],
    'rss-500': [500, 1000],
    'wiki-fair': [80, 1761],
  };
  for (const [name, [docCount, mentionCount]] of Object.entries(expected)) {
    const docs = await readGold(path.join(sharedData, 'elevant', `${name}.benchmark.jsonl`));
    assert.equal(docs.length, docCount, name);
    assert.equal(docs.flatMap((d) => d.mentions).length, mentionCount, name);
  }
});

void test('shared WSD semeval2007: 455 instances with sense keys; ALL: 7253', { skip: sharedMissing('wsd', 'semeval2007') }, async () => {
  const docs = await readWsdFiles(path.join(sharedData, 'wsd', 'semeval2007', 'semeval2007.data.xml'));
  const mentions = docs.flatMap((d) => d.mentions.map((m) => ({ d, m })));
  assert.equal(mentions.length, 455);
  assert.equal(docs.length, 135);
  for (const { d, m } of mentions) {
    assert.equal(d.text.slice(m.start, m.end), m.text);
    assert.ok(m.goldIds.length >= 1 && m.goldIds.every((k) => k.includes('%')));
    assert.ok(m.lemma !== undefined && m.pos !== undefined);
  }
  const all = await readGold(path.join(sharedData, 'wsd', 'ALL'));
  assert.equal(all.flatMap((d) => d.mentions).length, 7253);
});

void test('shared emerson: 30 Prodigy records, one linked "Emerson" each', { skip: sharedMissing('emerson') }, async () => {
  const docs = await readProdigyFile(path.join(sharedData, 'emerson', 'emerson_annotated_text.jsonl'));
  const mentions = docs.flatMap((d) => d.mentions);
  assert.equal(mentions.length, 30);
  assert.ok(mentions.every((m) => m.text === 'Emerson' && m.goldIds.length === 1));
  assert.deepEqual(new Set(mentions.map((m) => m.goldIds[0])), new Set(['Q48226', 'Q215952', 'Q312545']));
});
