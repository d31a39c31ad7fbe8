import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { stampVerified, verifiedUnchanged } from './verifiedStamp';

/**
 * The container of the cache's binary snapshots (the parsed KB, the name indexes): a magic tag, a JSON header,
 * byte sections each starting 8-byte aligned (so typed arrays are viewed in place, not copied), and a sha256 of
 * everything before it, so a truncated or damaged file is refused before anything is decoded. Little-endian.
 *
 *   magic (8 bytes)  u32 format version  u32 header bytes  header JSON  pad  section 0  pad  section 1 ...  sha256
 */
export interface SnapshotSections<H> {
  readonly header: H;
  /** The sections, in the order they were written (views into the file's bytes). */
  readonly sections: Uint8Array[];
}

/** Why a snapshot file cannot be used (damaged, truncated, another format or version). */
export class SnapshotError extends Error {}

const LEAD = 16;
const SUM = 32;

/** The file's bytes, as chunks for writeBytesAtomic. `magic` is 8 ASCII characters. */
export function encodeSnapshot(magic: string, version: number, header: object, sections: readonly ArrayBufferView[]): Uint8Array[] {
  const json = Buffer.from(JSON.stringify({ ...header, sectionBytes: sections.map((s) => s.byteLength) }), 'utf8');
  const lead = Buffer.alloc(align8(LEAD + json.length));
  lead.write(magic.padEnd(8).slice(0, 8), 0, 'latin1');
  lead.writeUInt32LE(version, 8);
  lead.writeUInt32LE(json.length, 12);
  json.copy(lead, LEAD);
  const chunks: Uint8Array[] = [lead];
  for (const s of sections) {
    chunks.push(new Uint8Array(s.buffer, s.byteOffset, s.byteLength));
    const pad = align8(s.byteLength) - s.byteLength;
    if (pad > 0) chunks.push(new Uint8Array(pad));
  }
  const hash = createHash('sha256');
  for (const c of chunks) hash.update(c);
  chunks.push(hash.digest());
  return chunks;
}

/** Reads only the header (cheap: no checksum), for key checks before the whole file is verified. */
export function readSnapshotHeader<H>(data: Uint8Array, magic: string, version: number): H & { sectionBytes: number[] } {
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  if (buf.length < LEAD + SUM || buf.toString('latin1', 0, 8) !== magic.padEnd(8).slice(0, 8)) throw new SnapshotError('is not a snapshot of this kind (bad magic or too short)');
  const v = buf.readUInt32LE(8);
  if (v !== version) throw new SnapshotError(`has format version ${v}, this build reads ${version}`);
  const length = buf.readUInt32LE(12);
  if (LEAD + length > buf.length - SUM) throw new SnapshotError('is truncated (the header runs past the end)');
  let header: H & { sectionBytes: number[] };
  try {
    header = JSON.parse(buf.toString('utf8', LEAD, LEAD + length)) as H & { sectionBytes: number[] };
  } catch (e) {
    throw new SnapshotError(`has a damaged header (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || !Array.isArray(header.sectionBytes) || !header.sectionBytes.every((n) => Number.isInteger(n) && n >= 0)) {
    throw new SnapshotError('has a malformed header');
  }
  return header;
}

/**
 * decodeSnapshot for the bytes just read from `file`: the checksum pass is skipped when that file was checked
 * before and has not been written since (verifiedStamp.ts), and recorded when it is made.
 */
export function decodeSnapshotFile<H>(file: string, data: Uint8Array, magic: string, version: number): SnapshotSections<H> {
  const sum = data.byteLength >= SUM ? Buffer.from(data.buffer, data.byteOffset + data.byteLength - SUM, SUM).toString('hex') : '';
  const dir = path.dirname(file);
  const name = path.basename(file);
  const trusted = sum !== '' && verifiedUnchanged(dir, name, sum);
  const decoded = decodeSnapshot<H>(data, magic, version, trusted);
  if (!trusted) stampVerified(dir, name, sum);
  return decoded;
}

/** Verifies the length and checksum (unless `checked`) and returns the header and section views. Throws SnapshotError. */
export function decodeSnapshot<H>(data: Uint8Array, magic: string, version: number, checked = false): SnapshotSections<H> {
  const header = readSnapshotHeader<H>(data, magic, version);
  const buf = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const start = align8(LEAD + buf.readUInt32LE(12));
  const expected = header.sectionBytes.reduce((n, b) => n + align8(b), start) + SUM;
  if (data.byteLength !== expected) throw new SnapshotError(`is ${data.byteLength} bytes, its header says ${expected} (truncated or damaged)`);
  if (!checked) {
    const body = data.subarray(0, data.byteLength - SUM);
    const sum = createHash('sha256').update(body).digest();
    if (!buf.subarray(body.byteLength).equals(sum)) throw new SnapshotError('failed its sha256 checksum (damaged)');
  }
  const sections: Uint8Array[] = [];
  let at = start;
  for (const b of header.sectionBytes) {
    sections.push(data.subarray(at, at + b));
    at += align8(b);
  }
  return { header, sections };
}

function align8(n: number): number {
  return (n + 7) & ~7;
}

/** Typed views of a section; copied when the file's bytes are not aligned for the type (a pooled read buffer). */
export function int32s(s: Uint8Array): Int32Array {
  return s.byteOffset % 4 === 0 ? new Int32Array(s.buffer, s.byteOffset, s.byteLength / 4) : new Int32Array(s.slice().buffer);
}

export function uint32s(s: Uint8Array): Uint32Array {
  return s.byteOffset % 4 === 0 ? new Uint32Array(s.buffer, s.byteOffset, s.byteLength / 4) : new Uint32Array(s.slice().buffer);
}

export function float64s(s: Uint8Array): Float64Array {
  return s.byteOffset % 8 === 0 ? new Float64Array(s.buffer, s.byteOffset, s.byteLength / 8) : new Float64Array(s.slice().buffer);
}

/** Many strings as one section pair: their UTF-16 end offsets and the text (latin1 when every unit fits, else UTF-16LE). */
export function encodeStrings(strings: readonly string[]): { ends: Uint32Array; text: Uint8Array; encoding: 'latin1' | 'utf16le' } {
  const ends = new Uint32Array(strings.length);
  let at = 0;
  strings.forEach((s, i) => {
    at += s.length;
    ends[i] = at;
  });
  const joined = strings.join('');
  // latin1 keeps every unit below 256 in one byte; anything else is stored as UTF-16 units (lone surrogates too,
  // which UTF-8 would replace).
  const encoding = /[^\u0000-\u00ff]/.test(joined) ? 'utf16le' : 'latin1';
  return { ends, text: Buffer.from(joined, encoding), encoding };
}

/** The strings of encodeStrings, as slices of one decoded text (cheap: no copy per string). */
export function decodeStrings(endsBytes: Uint8Array, text: Uint8Array, encoding: 'latin1' | 'utf16le'): { count: number; at: (i: number) => string } {
  const ends = uint32s(endsBytes);
  const joined = Buffer.from(text.buffer, text.byteOffset, text.byteLength).toString(encoding);
  if (ends.length > 0 && ends[ends.length - 1] !== joined.length) throw new SnapshotError('has string offsets that do not match its text');
  return { count: ends.length, at: (i) => joined.slice(i === 0 ? 0 : ends[i - 1], ends[i]) };
}

/** Position of `key` in strings sorted by code unit (encodeStrings of a sorted list), or -1; decodes only the probes. */
export function findSorted(list: { readonly count: number; at(i: number): string }, key: string): number {
  let lo = 0;
  let hi = list.count;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const probe = list.at(mid);
    if (probe === key) return mid;
    if (probe < key) lo = mid + 1;
    else hi = mid;
  }
  return -1;
}
