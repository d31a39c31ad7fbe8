import type * as ort from 'onnxruntime-node';
import { LinkerError } from '../errors';

export type Ort = typeof ort;

let ortModule: Ort | undefined;

/** Loads onnxruntime-node on first use, so activating the extension or running `--help` never pays for it. */
export function loadOrt(): Ort {
  if (ortModule === undefined) {
    try {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      ortModule = require('onnxruntime-node') as Ort;
    } catch (e) {
      throw new LinkerError('modelLoad', `onnxruntime-node could not be loaded: ${(e as Error).message}.`, {
        hint: 'Reinstall the extension (or run `npm ci` in a checkout) for this platform.',
        cause: e,
      });
    }
  }
  return ortModule;
}
