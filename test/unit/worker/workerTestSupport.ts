import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../../src/core/log';
export { LinkerError } from '../../../src/core/errors';

/** A logger that drops everything (the worker logs every load step). */
export function silentLoggerFor(): Logger {
  return { trace: () => undefined, debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };
}

export const REPO = path.resolve(__dirname, '..', '..', '..', '..');
/** The compiled worker script the tests start. */
export const WORKER = path.join(REPO, 'out', 'src', 'core', 'worker', 'linkerWorker.js');
const MODEL = path.join(REPO, 'models', 'use-lite', 'model.onnx');
/** The skip reason of tests that need the built-in model (false when it is built). */
export const skipWithoutModel: string | false = existsSync(MODEL) ? false : `the built-in model is not built (${MODEL}); run npm run build:model`;

/** A small KB of look-alike names (two Apples) the worker tests link against. */
export const APPLE_KB = [
  { id: 'Q312', title: 'Apple Inc.', text: 'American technology company that makes the iPhone.', aliases: ['Apple'] },
  { id: 'Q89', title: 'apple', text: 'Edible fruit of the apple tree.', aliases: ['Apple'] },
  { id: 'Q19837', title: 'Steve Jobs', text: 'American businessman, co-founder of Apple Inc.', aliases: ['Jobs'] },
];
