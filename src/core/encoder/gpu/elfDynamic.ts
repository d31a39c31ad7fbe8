import type { GpuProbe } from './gpuProbe';

/** The dynamic-linking entries of a shared library that say what it loads and where it looks. */
export interface ElfDynamicInfo {
  /** DT_NEEDED: the libraries it needs, by file name (soname). */
  readonly needed: readonly string[];
  /** DT_RUNPATH (else DT_RPATH) folders, `$ORIGIN` unexpanded. */
  readonly runpath: readonly string[];
  readonly soname: string | undefined;
}

const PT_LOAD = 1;
const PT_DYNAMIC = 2;
const DT_NEEDED = 1;
const DT_STRTAB = 5;
const DT_SONAME = 14;
const DT_RPATH = 15;
const DT_RUNPATH = 29;

/**
 * Reads the dynamic section of a 64-bit little-endian ELF shared library (x86-64, aarch64) by ranged reads, so a
 * 300 MB CUDA provider library is not read whole. Undefined when the file is not such an ELF file.
 */
export function readElfDynamic(probe: Pick<GpuProbe, 'readBytes'>, file: string): ElfDynamicInfo | undefined {
  const header = view(probe.readBytes(file, 0, 64));
  if (header === undefined || header.byteLength < 64 || header.getUint32(0, false) !== 0x7f454c46 || header.getUint8(4) !== 2 || header.getUint8(5) !== 1) {
    return undefined;
  }
  const phoff = Number(header.getBigUint64(0x20, true));
  const phentsize = header.getUint16(0x36, true);
  const phnum = header.getUint16(0x38, true);
  const table = view(probe.readBytes(file, phoff, phentsize * phnum));
  if (table === undefined || table.byteLength < phentsize * phnum || phentsize < 56) return undefined;
  const loads: { vaddr: number; offset: number; size: number }[] = [];
  let dynamic: { offset: number; size: number } | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = i * phentsize;
    const type = table.getUint32(at, true);
    const offset = Number(table.getBigUint64(at + 8, true));
    const vaddr = Number(table.getBigUint64(at + 16, true));
    const size = Number(table.getBigUint64(at + 32, true));
    if (type === PT_LOAD) loads.push({ vaddr, offset, size });
    if (type === PT_DYNAMIC) dynamic = { offset, size };
  }
  if (dynamic === undefined) return undefined;
  const entries = view(probe.readBytes(file, dynamic.offset, dynamic.size));
  if (entries === undefined) return undefined;
  let strtab: number | undefined;
  const refs: { tag: number; value: number }[] = [];
  for (let at = 0; at + 16 <= entries.byteLength; at += 16) {
    const tag = Number(entries.getBigInt64(at, true));
    const value = Number(entries.getBigUint64(at + 8, true));
    if (tag === 0) break;
    if (tag === DT_STRTAB) strtab = value;
    else if (tag === DT_NEEDED || tag === DT_SONAME || tag === DT_RPATH || tag === DT_RUNPATH) refs.push({ tag, value });
  }
  const segment = strtab === undefined ? undefined : loads.find((l) => strtab! >= l.vaddr && strtab! < l.vaddr + l.size);
  if (strtab === undefined || segment === undefined) return undefined;
  const strtabOffset = strtab - segment.vaddr + segment.offset;
  const text = (tag: number): string[] => refs.filter((r) => r.tag === tag).map((r) => readCString(probe, file, strtabOffset + r.value));
  const runpath = text(DT_RUNPATH).length > 0 ? text(DT_RUNPATH) : text(DT_RPATH);
  return { needed: text(DT_NEEDED), runpath: runpath.flatMap((r) => r.split(':')).filter((d) => d !== ''), soname: text(DT_SONAME)[0] };
}

function view(bytes: Uint8Array | undefined): DataView | undefined {
  return bytes === undefined ? undefined : new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function readCString(probe: Pick<GpuProbe, 'readBytes'>, file: string, offset: number): string {
  let out = '';
  for (let at = offset; ; at += 256) {
    const chunk = probe.readBytes(file, at, 256);
    if (chunk === undefined || chunk.byteLength === 0) return out;
    const end = chunk.indexOf(0);
    out += Buffer.from(chunk.subarray(0, end < 0 ? chunk.byteLength : end)).toString('latin1');
    if (end >= 0 || out.length > 4096) return out;
  }
}
