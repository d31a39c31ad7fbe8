import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { sortedCounts } from '../../../src/core/linker/wordFrequencySnapshot';

void test('sorted counts answer like the map they were made from, absent words included', () => {
  const map = new Map([['company', { noun: 7, other: 0 }], ['then', { noun: 0, other: 99 }], ['new york', { noun: 3, other: 0 }], ['élan', { noun: 1, other: 0 }], ['professor', { noun: 12, other: 0 }]]);
  const person = new Map([['professor', 11]]);
  const words = [...map.keys()].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const lookup = sortedCounts({ count: words.length, at: (i) => words[i]! }, Int32Array.from(words, (w) => map.get(w)!.noun), Int32Array.from(words, (w) => map.get(w)!.other), Int32Array.from(words, (w) => person.get(w) ?? 0));
  for (const w of [...map.keys(), 'absent', '', 'new', 'zzz']) assert.deepEqual(lookup.get(w), map.get(w), w);
  assert.equal(lookup.size, 5);
  assert.equal(lookup.person.get('professor'), 11);
  assert.equal(lookup.person.get('company'), 0);
  assert.equal(lookup.person.get('absent'), undefined);
});

// Each process primes its own built-in counts once, so the round trip runs in child processes.
const PROBE = `
  const { primeWordFrequencies } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/linker/wordFrequencySnapshot.js'))});
  const { builtInWordFrequencies, WordFrequencies } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/detection/wordFrequencies.js'))});
  const { wordnetDictDir } = require(${JSON.stringify(path.join(__dirname, '../../../src/core/kb/wordnetLexicon.js'))});
  const lines = [];
  primeWordFrequencies(process.argv[1], { trace() {}, debug() {}, info() {}, warn: (m) => lines.push(m), error() {} });
  const parsed = WordFrequencies.fromIndexSense(require('fs').readFileSync(require('path').join(wordnetDictDir(), 'index.sense'), 'utf8'));
  const words = ['company', 'then', 'however', 'new york', 'dublin', 'professor', 'lawyer', 'not a lemma at all'];
  const built = builtInWordFrequencies();
  // Role titles (roleTitles.ts) read the noun.person counts: a snapshot without them switched role titles off.
  const samePerson = words.every((w) => built.personOf(w) === parsed.personOf(w)) && parsed.personOf('professor') > 0;
  console.log(JSON.stringify({ same: samePerson && words.every((w) => JSON.stringify(built.of(w)) === JSON.stringify(parsed.of(w))), size: builtInWordFrequencies().size === parsed.size, fromSnapshot: builtInWordFrequencies().entries() === undefined, warnings: lines }));
`;

void test('the built-in counts are written once, then opened from the snapshot with the same answers; a damaged one is rewritten', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'el-wfreq-'));
  const probe = (): { same: boolean; size: boolean; fromSnapshot: boolean; warnings: string[] } => {
    const r = spawnSync(process.execPath, ['-e', PROBE, dir], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return JSON.parse(r.stdout.trim()) as { same: boolean; size: boolean; fromSnapshot: boolean; warnings: string[] };
  };
  try {
    assert.deepEqual(probe(), { same: true, size: true, fromSnapshot: false, warnings: [] });
    assert.deepEqual(probe(), { same: true, size: true, fromSnapshot: true, warnings: [] });
    const file = fs.readdirSync(dir).find((f) => f.startsWith('wordfreq-'))!;
    const bytes = fs.readFileSync(path.join(dir, file));
    bytes[Math.floor(bytes.length / 2)] ^= 8;
    fs.writeFileSync(path.join(dir, file), bytes);
    const damaged = probe();
    assert.equal(damaged.fromSnapshot, false);
    assert.match(damaged.warnings.join('\n'), /failed its sha256 checksum/);
    assert.equal(probe().fromSnapshot, true);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
