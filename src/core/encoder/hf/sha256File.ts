import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/** Hex sha256 of a file, streamed: model files run to hundreds of MB and need not sit in memory twice. */
export async function sha256File(file: string, signal?: AbortSignal): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20, signal })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex');
}
