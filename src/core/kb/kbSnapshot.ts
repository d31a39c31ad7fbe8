import { SnapshotError, decodeSnapshot, decodeSnapshotFile, decodeStrings, encodeSnapshot, encodeStrings, float64s, int32s, readSnapshotHeader } from '../index/binarySnapshot';
import type { Entity } from './entity';
import type { KbLoadReport } from './loadKnowledgeBase';
import type { SourceFileStat } from './kbSourceFiles';

/**
 * The binary snapshot of a parsed KB: every entity (id, title, text, aliases, type, prior, source location), the
 * load report, the KB content hash the vector caches key on, and per-row priors derived at load time (WordNet's
 * tag counts), so a cached KB opens with one read instead of a parse. Sections (binarySnapshot.ts):
 *
 *   0 Int32   meta[2 * size]     per entity: its first string, flags | alias count << 3
 *   1 Float64 entityPrior[size]  Entity.prior, NaN when absent (empty when no entity has one)
 *   2 Float64 derivedPrior[size] the session's prior by row, NaN = none (empty when not derived)
 *   3 Uint32  string ends, 4 the strings' text (binarySnapshot.encodeStrings)
 *   5 Float64 derivedNameCount[names] a count per name (title, then aliases, row by row; WordNet's tag count of
 *             the sense under that word), NaN = none (empty when not derived)
 *
 * Each entity's strings run id, title, text, then type and source when flagged, then its aliases. Bump
 * KB_SNAPSHOT_VERSION when this layout changes; the readers' code is part of the snapshot key
 * (cachedKnowledgeBase.ts), so an edited reader makes a new snapshot by itself.
 */
export const KB_SNAPSHOT_VERSION = 2;

const MAGIC = 'ELKBSNAP';
const FLAG_TYPE = 1;
const FLAG_SOURCE = 2;
const FLAG_PRIOR = 4;
const FLAG_BITS = 3;
const NO_ALIASES: readonly string[] = Object.freeze([]);

export interface KbSnapshotHeader {
  /** What the snapshot was read from: sources and load options (see kbSnapshotKey). */
  readonly key: string;
  readonly name: string;
  /** kbContentHash of the entities. */
  readonly kbHash: string;
  /** The source files as they were when read, and the sha256 of their bytes. */
  readonly files: readonly SourceFileStat[];
  readonly filesHash: string;
  /** Date.now() when written (a source modified around then is checked by content). */
  readonly writtenAtMs: number;
  readonly report: KbLoadReport;
}

interface StoredHeader extends KbSnapshotHeader {
  readonly size: number;
  readonly encoding: 'latin1' | 'utf16le';
}

export interface KbSnapshotContent {
  readonly header: KbSnapshotHeader;
  readonly entities: Entity[];
  /** Prior by row from the session's derivation (WordNet tag counts), NaN where none; absent when none at all. */
  readonly derivedPriors?: Float64Array;
  /** A count per name (entityNameCount names, row by row) from the session's derivation; absent when none. */
  readonly derivedNameCounts?: Float64Array;
}

/** How many names the entities hold in all (a title and its aliases each): the length of derived name counts. */
export function entityNameCount(entities: readonly Entity[]): number {
  let n = 0;
  for (const e of entities) n += 1 + e.aliases.length;
  return n;
}

/** The snapshot's bytes, in chunks for writeBytesAtomic. */
export function encodeKbSnapshot(header: KbSnapshotHeader, entities: readonly Entity[], derivedPriors?: Float64Array, derivedNameCounts?: Float64Array): Uint8Array[] {
  const size = entities.length;
  if (derivedPriors !== undefined && derivedPriors.length !== size) throw new RangeError(`derived priors hold ${derivedPriors.length} rows, the KB ${size}`);
  if (derivedNameCounts !== undefined && derivedNameCounts.length !== entityNameCount(entities)) throw new RangeError(`derived name counts hold ${derivedNameCounts.length} names, the KB ${entityNameCount(entities)}`);
  const meta = new Int32Array(2 * size);
  const parts: string[] = [];
  const entityPrior = new Float64Array(size).fill(NaN);
  let hasEntityPrior = false;
  for (let row = 0; row < size; row++) {
    const e = entities[row];
    meta[2 * row] = parts.length;
    let flags = 0;
    parts.push(e.id, e.title, e.text);
    if (e.type !== undefined) {
      flags |= FLAG_TYPE;
      parts.push(e.type);
    }
    if (e.source !== undefined) {
      flags |= FLAG_SOURCE;
      parts.push(e.source);
    }
    if (e.prior !== undefined) {
      flags |= FLAG_PRIOR;
      entityPrior[row] = e.prior;
      hasEntityPrior = true;
    }
    for (const a of e.aliases) parts.push(a);
    meta[2 * row + 1] = flags | (e.aliases.length << FLAG_BITS);
  }
  const strings = encodeStrings(parts);
  const stored: StoredHeader = { ...header, size, encoding: strings.encoding };
  return encodeSnapshot(MAGIC, KB_SNAPSHOT_VERSION, stored, [meta, hasEntityPrior ? entityPrior : new Float64Array(0), derivedPriors ?? new Float64Array(0), strings.ends, strings.text, derivedNameCounts ?? new Float64Array(0)]);
}

/** The header alone (no checksum pass), to check the key and the source files first. Throws SnapshotError. */
export function readKbSnapshotHeader(data: Uint8Array): KbSnapshotHeader {
  const header = readSnapshotHeader<StoredHeader>(data, MAGIC, KB_SNAPSHOT_VERSION);
  if (typeof header.key !== 'string' || !Array.isArray(header.files) || typeof header.filesHash !== 'string' || typeof header.writtenAtMs !== 'number') throw new SnapshotError('has a malformed header');
  return header;
}

/**
 * Verifies the checksum and decodes every entity. Throws SnapshotError naming what is wrong. With `file` (where
 * the bytes were read from) a file checked before and not written since is not hashed again.
 */
export function decodeKbSnapshot(data: Uint8Array, file?: string): KbSnapshotContent {
  const { header, sections } = file === undefined ? decodeSnapshot<StoredHeader>(data, MAGIC, KB_SNAPSHOT_VERSION) : decodeSnapshotFile<StoredHeader>(file, data, MAGIC, KB_SNAPSHOT_VERSION);
  const { size } = header;
  if (!Number.isInteger(size) || sections.length !== 6 || sections[0].byteLength !== 8 * size) throw new SnapshotError('has sections that do not match its entity count');
  const meta = int32s(sections[0]);
  const entityPrior = sections[1].byteLength === 8 * size ? float64s(sections[1]) : undefined;
  const derivedPriors = sections[2].byteLength === 8 * size && size > 0 ? float64s(sections[2]) : undefined;
  const strings = decodeStrings(sections[3], sections[4], header.encoding);
  const entities: Entity[] = new Array(size);
  for (let row = 0; row < size; row++) {
    let s = meta[2 * row];
    const info = meta[2 * row + 1];
    const aliasCount = info >>> FLAG_BITS;
    const count = 3 + (info & FLAG_TYPE ? 1 : 0) + (info & FLAG_SOURCE ? 1 : 0) + aliasCount;
    if (s < 0 || s + count > strings.count) throw new SnapshotError(`has a bad string index at entity ${row}`);
    const e: { id: string; title: string; text: string; aliases: readonly string[]; type?: string; prior?: number; source?: string } = {
      id: strings.at(s),
      title: strings.at(s + 1),
      text: strings.at(s + 2),
      aliases: NO_ALIASES,
    };
    s += 3;
    if ((info & FLAG_TYPE) !== 0) e.type = strings.at(s++);
    if ((info & FLAG_PRIOR) !== 0 && entityPrior !== undefined) e.prior = entityPrior[row];
    if ((info & FLAG_SOURCE) !== 0) e.source = strings.at(s++);
    if (aliasCount > 0) {
      const aliases = new Array<string>(aliasCount);
      for (let k = 0; k < aliasCount; k++) aliases[k] = strings.at(s + k);
      e.aliases = aliases;
    }
    entities[row] = e;
  }
  const names = sections[5].byteLength === 0 ? 0 : entityNameCount(entities);
  if (sections[5].byteLength !== 8 * names) throw new SnapshotError('has derived name counts that do not match its names');
  const derivedNameCounts = names > 0 ? float64s(sections[5]) : undefined;
  const { key, name, kbHash, files, filesHash, writtenAtMs, report } = header;
  return { header: { key, name, kbHash, files, filesHash, writtenAtMs, report }, entities, ...(derivedPriors === undefined ? {} : { derivedPriors }), ...(derivedNameCounts === undefined ? {} : { derivedNameCounts }) };
}
