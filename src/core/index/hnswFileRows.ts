import * as fs from 'node:fs';
import * as os from 'node:os';
import { openRegularFileSync } from '../inputFile';

/**
 * Stored vectors read straight from an hnswlib graph file, a few KB per row, instead of through hnswlib-node's
 * getPoint (which builds a JS array of `dims` numbers per call: ~0.1 ms, and the linker asks for thousands of
 * candidate vectors per document). hnswlib's file is a fixed header and then one record per element: its level-0
 * links, its vector (float32, as added), its label (size_t). Our graphs add row r as element r with label r, and
 * every read checks the label, so a file laid out otherwise is never misread: `vector` answers undefined and the
 * caller asks hnswlib. The file descriptor is opened with the graph (the bytes hnswlib read, even if the file is
 * replaced later) and closed when the index is collected.
 */
const HEADER_BYTES = 96; // offsetLevel0, maxElements, count, sizePerElement, labelOffset, offsetData (size_t); maxLevel, entryPoint (int32); maxM, maxM0, M (size_t); mult (double); efConstruction (size_t)

const closer = new FinalizationRegistry<number>((fd) => {
  try {
    fs.closeSync(fd);
  } catch {
    // already closed
  }
});

export class HnswFileRows {
  private constructor(
    private readonly fd: number,
    private readonly dims: number,
    private readonly recordBytes: number,
    private readonly dataOffset: number,
  ) {}

  /** The rows of `file` when its header describes `count` elements of `dims` float32 values; undefined otherwise. */
  static open(file: string, dims: number, count: number): HnswFileRows | undefined {
    if (os.endianness() !== 'LE') return undefined;
    let fd: number | undefined;
    try {
      fd = openRegularFileSync(file);
      const header = Buffer.alloc(HEADER_BYTES);
      if (fs.readSync(fd, header, 0, HEADER_BYTES, 0) !== HEADER_BYTES) throw new Error('short header');
      const n = (i: number): number => Number(header.readBigUInt64LE(8 * i));
      const [offsetLevel0, , elements, recordBytes, labelOffset, dataOffset] = [0, 1, 2, 3, 4, 5].map(n);
      const fileBytes = fs.fstatSync(fd).size;
      const fits = offsetLevel0 === 0 && elements === count && labelOffset === dataOffset + dims * 4 && recordBytes >= labelOffset + 8 && fileBytes >= HEADER_BYTES + count * recordBytes;
      if (!fits) throw new Error('another layout');
      const rows = new HnswFileRows(fd, dims, recordBytes, dataOffset);
      closer.register(rows, fd);
      return rows;
    } catch {
      if (fd !== undefined) fs.closeSync(fd);
      return undefined;
    }
  }

  /**
   * The vector stored for `row`, or undefined when the element there is not labelled `row`. The vector and the
   * label after it are read straight into the returned array's memory (two floats longer; no second copy).
   */
  vector(row: number): Float32Array | undefined {
    const bytes = this.dims * 4;
    const at = HEADER_BYTES + row * this.recordBytes + this.dataOffset;
    const out = new Float32Array(this.dims + 2);
    const raw = new Uint8Array(out.buffer);
    if (fs.readSync(this.fd, raw, 0, bytes + 8, at) !== bytes + 8) return undefined;
    if (new DataView(out.buffer).getBigUint64(bytes, true) !== BigInt(row)) return undefined;
    return out.subarray(0, this.dims);
  }
}
