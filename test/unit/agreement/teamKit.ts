import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { type AnnotationRecord, type AnnotationStatus, contextAround, headerFor, serializeAnnotationFile } from '../../../src/core/annotations/annotationRecord';

/**
 * A tiny team-annotated workspace: one document, and label files written the way the store writes them.
 * S1..S6 are the six city names of TEXT, in order.
 */
export const TEXT = 'Paris met London and Rome near Berlin, Oslo and Madrid.';
export const CITIES = ['Paris', 'London', 'Rome', 'Berlin', 'Oslo', 'Madrid'] as const;

export function spanOf(city: string, text = TEXT): { start: number; end: number } {
  const start = text.indexOf(city);
  if (start < 0) throw new Error(`${city} not in the text`);
  return { start, end: start + city.length };
}

/** A label: the city, then an entity id, 'NIL' or 'rejected'. */
export type Label = readonly [city: string, value: string];

export function recordsOf(annotator: string, labels: readonly Label[], text = TEXT): AnnotationRecord[] {
  return labels.map(([city, value], i) => {
    const { start, end } = spanOf(city, text);
    const status: AnnotationStatus = value === 'NIL' ? 'nil' : value === 'rejected' ? 'rejected' : 'accepted';
    return {
      id: `${annotator}-${i}`,
      start,
      end,
      text: city,
      kbId: status === 'accepted' ? value : null,
      ...(status === 'accepted' ? { title: `Title of ${value}` } : {}),
      status,
      candidates: [],
      annotator,
      time: '2026-12-01T10:00:00.000Z',
      modelVersion: '',
      context: contextAround(text, start, end),
    };
  });
}

export interface TeamWorkspace {
  readonly root: string;
  /** Writes a label file: `@annotator` for an own file, undefined for the shared (old single-annotator) one. */
  write(folder: string | undefined, annotator: string, labels: readonly Label[], doc?: string): string;
  cleanup(): void;
}

export function teamWorkspace(docs: Readonly<Record<string, string>> = { 'doc.txt': TEXT }): TeamWorkspace {
  const root = mkdtempSync(path.join(os.tmpdir(), 'el-team-'));
  for (const [name, text] of Object.entries(docs)) writeFileSync(path.join(root, name), text);
  return {
    root,
    write(folder, annotator, labels, doc = 'doc.txt') {
      const text = docs[doc];
      const file = path.join(root, '.entity-links', ...(folder === undefined ? [] : [folder]), `${doc}.jsonl`);
      mkdirSync(path.dirname(file), { recursive: true });
      writeFileSync(file, serializeAnnotationFile(headerFor(doc, text), recordsOf(annotator, labels, text)));
      return file;
    },
    cleanup: () => rmSync(root, { recursive: true, force: true }),
  };
}
