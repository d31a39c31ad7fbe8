import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import MiniSearch from 'minisearch';
import { writeBytesAtomic } from '../atomicFile';
import { SnapshotError, decodeSnapshotFile, decodeStrings, encodeSnapshot, encodeStrings, float64s, int32s } from '../index/binarySnapshot';
import type { Entity } from '../kb/entity';
import { silentLogger, type Logger } from '../log';
import { LexicalIndex } from './lexicalIndex';
import { exportMiniSearch, importMiniSearch, type MiniSearchState } from './miniSearchState';
import type { NameIndexBuilders } from './nameIndexBuilders';
import { DEFAULT_DETECTION, Gazetteer } from './gazetteer';
import { LazyTrieRoot, allStrings, saveTrie } from './gazetteerSaved';
import { baseName, entityNames } from './names';
import { DEFAULT_NGRAM, NgramIndex, ngramKey, ngramSet } from './ngramIndex';
import { STOP_WORDS, foldCase, hasUpperCase, isAcronym, nameKey, normalizeSurface, tokenize } from './tokens';
import { readRegularFileSync } from '../inputFile';

/**
 * Name indexes kept as snapshots beside the KB snapshot, so a cached KB also opens its detection dictionary and
 * its lexical and n-gram retrievers without indexing 100k+ names again. A snapshot is keyed by the KB content hash, the index options
 * and the code that builds the index (a hash of the source text of the classes and functions it runs, so an
 * edited build never reads an older layout); it is checked by sha256 before use. A missing, stale or damaged one
 * is rebuilt from the entities and rewritten (atomically), with a log line saying why. The detection dictionary
 * (Gazetteer) is kept the same way and opened lazily (gazetteerSaved.ts).
 */
export interface NameIndexCacheOptions {
  /** The folder the snapshots live in (created on first write). */
  readonly dir: string;
  /** kbContentHash of the entities the linker is given. */
  readonly kbHash: string;
  readonly logger?: Logger;
}

const MAGIC = 'ELNAMEIX';
const VERSION = 1;

type Kind = 'gazetteer' | 'lexical' | 'ngram';

interface NameIndexHeader {
  readonly kind: Kind;
  readonly kbHash: string;
  readonly size: number;
  /** sha256 of the options and the building code. */
  readonly key: string;
  readonly encodings: readonly ('latin1' | 'utf16le')[];
}

/** Source text of what builds each index: any edit to it changes the key, so no snapshot outlives its code. */
const CODE: Record<Kind, () => string> = {
  gazetteer: () => [Gazetteer, LazyTrieRoot, saveTrie, tokenize, isAcronym, hasUpperCase, entityNames, baseName, normalizeSurface, foldCase, JSON.stringify([...STOP_WORDS])].map(String).join('\n'),
  lexical: () => [LexicalIndex, MiniSearch, exportMiniSearch, importMiniSearch, entityNames, baseName, nameKey, foldCase, normalizeSurface].map(String).join('\n'),
  ngram: () => [NgramIndex, ngramKey, ngramSet, tokenize, entityNames, baseName].map(String).join('\n'),
};

/**
 * The builders a session gives its linker. Each index is made once per entity list and options: a session may
 * open them ahead of the linker's first use (while the vector index is read) and the linker gets the same ones.
 */
export function cachedNameIndexes(options: NameIndexCacheOptions): NameIndexBuilders {
  const made = new Map<string, { entities: readonly Entity[]; index: unknown }>();
  const once = <T>(kind: Kind, entities: readonly Entity[], indexOptions: object, make: () => T): T => {
    const key = `${kind}\u0000${JSON.stringify(indexOptions)}`;
    const known = made.get(key);
    if (known !== undefined && known.entities === entities) return known.index as T;
    const index = make();
    made.set(key, { entities, index });
    return index;
  };
  const builders = openingBuilders(options);
  return {
    gazetteer: (entities, detection) => once('gazetteer', entities, detection, () => builders.gazetteer(entities, detection)),
    lexical: (entities, lexicalOptions) => once('lexical', entities, lexicalOptions, () => builders.lexical(entities, lexicalOptions)),
    ngram: (entities, ngramOptions) => once('ngram', entities, ngramOptions, () => builders.ngram(entities, ngramOptions)),
  };
}

function openingBuilders(options: NameIndexCacheOptions): NameIndexBuilders {
  const logger = options.logger ?? silentLogger;
  return {
    // Only these two options shape the dictionary; the others are read when detecting.
    gazetteer: (entities, detection) => {
      const { minNameLength, maxNameTokens } = { ...DEFAULT_DETECTION, ...detection };
      return openOrBuild(options, logger, 'gazetteer', entities, { minNameLength, maxNameTokens }, {
        build: () => new Gazetteer(entities, detection),
        encode: (gazetteer) => {
          const g = gazetteer.toSaved();
          const lists = [g.groupFirst, g.folded, g.surfaces, g.nameTokens].map((l) => encodeStrings(allStrings(l)));
          return {
            sections: [...lists.flatMap((l) => [l.ends, l.text]), g.groupStart, g.tokenStart, g.rowStart, g.rows, g.flags, Int32Array.of(g.nameCount)],
            encodings: lists.map((l) => l.encoding),
          };
        },
        decode: (s, encodings) => {
          const [groupFirst, folded, surfaces, nameTokens] = [0, 1, 2, 3].map((i) => decodeStrings(s[2 * i], s[2 * i + 1], encodings[i]));
          const [groupStart, tokenStart, rowStart, rows] = s.slice(8, 12).map(int32s);
          return new Gazetteer(entities, detection, { groupFirst, folded, surfaces, nameTokens, groupStart, tokenStart, rowStart, rows, flags: s[12], nameCount: int32s(s[13])[0] });
        },
      });
    },
    lexical: (entities, lexicalOptions) =>
      // fuzzy and prefix are query settings: one snapshot serves them all.
      openOrBuild(options, logger, 'lexical', entities, {}, {
        build: () => new LexicalIndex(entities, lexicalOptions),
        encode: (index) => {
          const saved = index.toSaved();
          const keys = encodeStrings(allStrings(saved.keys));
          const tail = [saved.rowOfDoc, keys.ends, keys.text, saved.keyStart, saved.keyRows];
          if (typeof saved.search === 'string') {
            const json = encodeStrings([saved.search]);
            return { sections: [Float64Array.of(0), ...tail, json.ends, json.text], encodings: [keys.encoding, json.encoding] };
          }
          const st = saved.search;
          const terms = encodeStrings(st.terms);
          const scalars = Float64Array.of(1, st.documentCount, st.nextId, st.dirtCount, st.avgFieldLength);
          return { sections: [scalars, ...tail, terms.ends, terms.text, st.termStart, st.postingDoc, st.postingFreq, st.shortIds, st.documentIds, st.fieldLengths], encodings: [keys.encoding, terms.encoding] };
        },
        decode: (s, encodings) => {
          const scalars = float64s(s[0]);
          const keys = decodeStrings(s[2], s[3], encodings[0]);
          const strings = decodeStrings(s[6], s[7], encodings[1]);
          let search: MiniSearchState | string;
          if (scalars[0] === 0) search = strings.at(0);
          else {
            const [termStart, postingDoc, postingFreq, shortIds, documentIds, fieldLengths] = s.slice(8, 14).map(int32s);
            search = { documentCount: scalars[1], nextId: scalars[2], dirtCount: scalars[3], avgFieldLength: scalars[4], terms: allStrings(strings), termStart, postingDoc, postingFreq, shortIds, documentIds, fieldLengths };
          }
          return new LexicalIndex(entities, lexicalOptions, { search, rowOfDoc: int32s(s[1]), keys, keyStart: int32s(s[4]), keyRows: int32s(s[5]) });
        },
      }),
    ngram: (entities, ngramOptions) =>
      // Only n shapes the index; the measure and threshold are query settings.
      openOrBuild(options, logger, 'ngram', entities, { n: ngramOptions.n ?? DEFAULT_NGRAM.n }, {
        build: () => new NgramIndex(entities, ngramOptions),
        encode: (index) => {
          const a = index.toArrays();
          const grams = encodeStrings(a.grams);
          return {
            sections: [grams.ends, grams.text, a.sizeStart, a.nameGramStart, a.nameGrams, a.postingStart, a.postings, a.nameRowStart, a.nameRows, a.rowNameStart, a.rowNames, a.rowNameSlot],
            encodings: [grams.encoding],
          };
        },
        decode: (s, encodings) => {
          const grams = decodeStrings(s[0], s[1], encodings[0]);
          const gramList = new Array<string>(grams.count);
          for (let i = 0; i < grams.count; i++) gramList[i] = grams.at(i);
          const [sizeStart, nameGramStart, nameGrams, postingStart, postings, nameRowStart, nameRows, rowNameStart, rowNames, rowNameSlot] = s.slice(2).map(int32s);
          return new NgramIndex(entities, ngramOptions, { grams: gramList, sizeStart, nameGramStart, nameGrams, postingStart, postings, nameRowStart, nameRows, rowNameStart, rowNames, rowNameSlot });
        },
      }),
  };
}

interface Codec<T> {
  build(): T;
  encode(index: T): { sections: ArrayBufferView[]; encodings: ('latin1' | 'utf16le')[] };
  decode(sections: Uint8Array[], encodings: readonly ('latin1' | 'utf16le')[]): T;
}

/** The snapshot file of one index kind for one KB and options (options that only affect queries are left out by the caller). */
export function nameIndexFile(dir: string, kind: Kind, kbHash: string, buildOptions: object): { file: string; key: string } {
  const key = createHash('sha256').update(JSON.stringify(buildOptions)).update('\u0000').update(CODE[kind]()).digest('hex');
  return { file: path.join(dir, `${kbHash.slice(0, 16)}-${kind}-${key.slice(0, 16)}.snap`), key };
}

function openOrBuild<T>(cache: NameIndexCacheOptions, logger: Logger, kind: Kind, entities: readonly Entity[], buildOptions: object, codec: Codec<T>): T {
  const { file, key } = nameIndexFile(cache.dir, kind, cache.kbHash, buildOptions);
  let data: Buffer | undefined;
  try {
    data = readRegularFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') logger.info(`No ${kind} index snapshot yet at ${file}; building it.`);
    else logger.warn(`The ${kind} index snapshot ${file} could not be read (${(e as Error).message}); building the index again.`);
  }
  if (data !== undefined) {
    try {
      const { header, sections } = decodeSnapshotFile<NameIndexHeader>(file, data, MAGIC, VERSION);
      if (header.kind !== kind || header.kbHash !== cache.kbHash || header.key !== key || header.size !== entities.length) throw new SnapshotError('was made for another KB, options or code');
      return codec.decode(sections, header.encodings);
    } catch (e) {
      if (!(e instanceof SnapshotError) && !(e instanceof RangeError)) throw e;
      logger.warn(`The ${kind} index snapshot ${file} ${e.message}; building the index again.`);
    }
  }
  const index = codec.build();
  try {
    const { sections, encodings } = codec.encode(index);
    const header: NameIndexHeader = { kind, kbHash: cache.kbHash, size: entities.length, key, encodings };
    fs.mkdirSync(cache.dir, { recursive: true });
    writeBytesAtomic(file, encodeSnapshot(MAGIC, VERSION, header, sections));
    pruneOlder(file, kind, cache.kbHash);
  } catch (e) {
    logger.warn(`The ${kind} index snapshot could not be written to ${file} (${(e as Error).message}); it will be built again next time.`);
  }
  return index;
}

const PRUNE_AFTER_MS = 24 * 3600 * 1000;

/** Snapshots of the same KB and kind made by other code or options, untouched for a day, are removed (a rebuilt
 * extension leaves its predecessor's; two builds in use at once, such as the CLI and the editor, keep theirs). */
function pruneOlder(kept: string, kind: Kind, kbHash: string): void {
  const dir = path.dirname(kept);
  const prefix = `${kbHash.slice(0, 16)}-${kind}-`;
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (!name.startsWith(prefix) || !name.endsWith('.snap') || file === kept) continue;
    try {
      if (Date.now() - fs.statSync(file).mtimeMs > PRUNE_AFTER_MS) fs.rmSync(file, { force: true });
    } catch {
      // gone already, or not ours to remove
    }
  }
}
