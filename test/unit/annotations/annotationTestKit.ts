import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AnnotationStore } from '../../../src/core/annotations/annotationStore';

/** A store over a fresh temp workspace with a fixed clock and predictable ids, removed by `cleanup`. */
export function tempStore(annotator = 'tester'): { root: string; store: AnnotationStore; cleanup: () => void } {
  const root = mkdtempSync(path.join(os.tmpdir(), 'entity-links-'));
  let n = 0;
  const store = new AnnotationStore({
    workspaceRoot: root,
    annotator,
    now: () => new Date(Date.UTC(2026, 0, 2, 3, 4, 5)),
    newId: () => `id-${String(++n).padStart(3, '0')}`,
  });
  return { root, store, cleanup: () => rmSync(root, { recursive: true, force: true }) };
}

export const SAMPLE = 'Ada Lovelace worked with Charles Babbage in London. Babbage designed the engine.';

export function span(text: string, surface: string, nth = 0): { start: number; end: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(surface, at + 1);
    if (at < 0) throw new Error(`${surface} #${nth} not in text`);
  }
  return { start: at, end: at + surface.length };
}
