import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeBytesAtomic } from '../atomicFile';
import { SnapshotError, decodeSnapshotFile, decodeStrings, encodeSnapshot, encodeStrings, findSorted, int32s } from '../index/binarySnapshot';
import { WordFrequencies, builtInWordFrequencies, builtInWordFrequenciesReady, useBuiltInWordFrequencies, type PersonCountLookup, type WordCountLookup } from '../detection/wordFrequencies';
import { wordnetDictDir } from '../kb/wordnetLexicon';
import { silentLogger, type Logger } from '../log';
import { readRegularFileSync } from '../inputFile';

/**
 * The built-in word frequencies (WordNet's tag counts by lemma, read by detection) kept as a snapshot in the cache:
 * parsing index.sense into a map takes ~0.15 s per process; the snapshot is the words sorted with their counts,
 * looked up by binary search, so opening it builds nothing. Keyed by index.sense's path, size and mtime and by
 * the parsing code; checked by sha256 (or its stamp); a missing, stale or damaged one is parsed and rewritten.
 */
const MAGIC = 'ELWFREQS';
/** 2: the noun.person counts (roleTitles.ts) are a fifth section; version 1 snapshots lacked them. */
const VERSION = 2;

interface Header {
  readonly key: string;
  readonly encoding: 'latin1' | 'utf16le';
}

/** Makes this process's built-in word frequencies come from the snapshot in `dir` (written first when missing). */
export function primeWordFrequencies(dir: string, logger: Logger = silentLogger): void {
  if (builtInWordFrequenciesReady()) return;
  let source: string;
  let st: fs.Stats;
  try {
    source = path.join(wordnetDictDir(), 'index.sense');
    st = fs.statSync(source);
  } catch {
    return; // no WordNet: detection uses the stop list alone, as builtInWordFrequencies says
  }
  const key = createHash('sha256')
    .update(JSON.stringify([source, st.size, st.mtimeMs]))
    .update(String(WordFrequencies.fromIndexSense))
    .update(`v${VERSION}`) // a new format gets a new file name: an old cache's file is not opened (nor warned about)
    .digest('hex');
  const file = path.join(dir, `wordfreq-${key.slice(0, 16)}.snap`);
  try {
    const { header, sections } = decodeSnapshotFile<Header>(file, readRegularFileSync(file), MAGIC, VERSION);
    if (header.key !== key || sections.length !== 5) throw new SnapshotError('was made from another index.sense or code');
    const words = decodeStrings(sections[0], sections[1], header.encoding);
    const lookup = sortedCounts(words, int32s(sections[2]), int32s(sections[3]), int32s(sections[4]));
    useBuiltInWordFrequencies(WordFrequencies.fromLookup(lookup, lookup.person));
    return;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (!(e instanceof SnapshotError) && code === undefined) throw e;
    if (code !== 'ENOENT') logger.warn(`The word frequency snapshot ${file} ${e instanceof SnapshotError ? e.message : `could not be read (${code})`}; reading index.sense again.`);
  }
  const entries = builtInWordFrequencies()?.entries();
  if (entries === undefined) return;
  entries.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  const words = encodeStrings(entries.map((e) => e[0]));
  try {
    fs.mkdirSync(dir, { recursive: true });
    const sections = [words.ends, words.text, Int32Array.from(entries, (e) => e[1].noun), Int32Array.from(entries, (e) => e[1].other), Int32Array.from(entries, (e) => e[2])];
    writeBytesAtomic(file, encodeSnapshot(MAGIC, VERSION, { key, encoding: words.encoding }, sections));
  } catch (e) {
    logger.warn(`The word frequency snapshot could not be written to ${file} (${(e as Error).message}).`);
  }
}

/** Counts by word over words sorted by code unit, each probed word decoded only when compared; `person.get` the noun.person counts. */
export function sortedCounts(words: { count: number; at(i: number): string }, noun: Int32Array, other: Int32Array, person: Int32Array): WordCountLookup & { readonly person: PersonCountLookup } {
  return {
    size: words.count,
    get(word) {
      const i = findSorted(words, word);
      return i < 0 ? undefined : { noun: noun[i], other: other[i] };
    },
    person: {
      get(word) {
        const i = findSorted(words, word);
        return i < 0 ? undefined : person[i];
      },
    },
  };
}
