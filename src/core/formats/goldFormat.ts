import { readdir } from 'node:fs/promises';
import { readTextHead, statInput } from '../inputFile';
import { join } from 'node:path';
import { ANNOTATION_DIR, isAnnotationStorePath } from '../annotations/annotationPaths';
import { ANNOTATION_SUFFIX, readAnnotationFile } from './annotationReader';
import { readElevantFile } from './elevantReader';
import { readBlinkTrainingFile } from './blinkTrainingReader';
import { readBratStandoff } from './bratStandoffReader';
import { type GoldDocument, type InvalidSpanListener, type SkipListener, goldFormatError, isRecord } from './goldDocument';
import { type NifOffsetUnit, readNifFile } from './nifReader';
import { readProdigyFile } from './prodigyReader';
import { type WsdUnit, readWsdFiles } from './wsdReader';
import { readZeshel } from './zeshelReader';

export type GoldFormat = 'nif' | 'zeshel' | 'elevant' | 'wsd' | 'prodigy' | 'annotations' | 'brat' | 'blink';

export const GOLD_FORMATS: readonly GoldFormat[] = ['nif', 'zeshel', 'elevant', 'wsd', 'prodigy', 'annotations', 'brat', 'blink'];

export interface GoldReadOptions {
  readonly onSkip?: SkipListener;
  /** Skip mentions whose offsets do not fit their text and report them here (eval --skip-invalid); default: an error. */
  readonly onInvalidSpan?: InvalidSpanListener;
  readonly nifOffsetUnit?: NifOffsetUnit;
  readonly wsdUnit?: WsdUnit;
  readonly wsdKeyPath?: string;
  readonly zeshelSplit?: string;
}

/** Reads gold documents in the given format, or the sniffed one for 'auto'. */
export async function readGold(path: string, format: GoldFormat | 'auto' = 'auto', options: GoldReadOptions = {}): Promise<GoldDocument[]> {
  const resolved = format === 'auto' ? await sniffGoldFormat(path) : format;
  switch (resolved) {
    case 'nif':
      return readNifFile(path, { offsetUnit: options.nifOffsetUnit, onInvalidSpan: options.onInvalidSpan });
    case 'zeshel':
      return readZeshel(path, { split: options.zeshelSplit, onInvalidSpan: options.onInvalidSpan });
    case 'elevant':
      return readElevantFile(path, { onInvalidSpan: options.onInvalidSpan });
    case 'wsd':
      return readWsdFiles(await wsdDataFile(path), { keyPath: options.wsdKeyPath, unit: options.wsdUnit });
    case 'prodigy':
      return readProdigyFile(path, { onSkip: options.onSkip, onInvalidSpan: options.onInvalidSpan });
    case 'annotations':
      return readAnnotationFile(path, { onSkip: options.onSkip });
    case 'brat':
      return readBratStandoff(path, { onSkip: options.onSkip, onInvalidSpan: options.onInvalidSpan });
    case 'blink':
      return readBlinkTrainingFile(path, { onSkip: options.onSkip });
  }
}

/**
 * Guesses the format from the path and, for JSON lines, from the fields of the first record: names alone are
 * ambiguous (Zeshel mention files and Prodigy exports are both `.json`/`.jsonl`).
 */
export async function sniffGoldFormat(path: string): Promise<GoldFormat> {
  const info = await statInput(path, 'The gold data', 'file-or-folder');
  if (isAnnotationStorePath(path)) {
    return 'annotations';
  }
  if (info.isDirectory()) {
    const names = await readdir(path);
    if (names.includes(ANNOTATION_DIR)) {
      return 'annotations';
    }
    if (names.includes('mentions') && names.includes('documents')) {
      return 'zeshel';
    }
    if (names.some((n) => n.endsWith('.data.xml'))) {
      return 'wsd';
    }
    if (names.some((n) => n.endsWith('.ann'))) {
      return 'brat';
    }
    throw goldFormatError('cannot tell the gold format of this folder (neither Zeshel mentions/ + documents/ nor a WSD *.data.xml).', { file: path }, 'Name the format with --gold-format.');
  }
  if (path.endsWith(ANNOTATION_SUFFIX)) {
    return 'annotations';
  }
  if (/\.(ttl|nif|turtle)$/i.test(path)) {
    return 'nif';
  }
  if (/\.xml$/i.test(path)) {
    return 'wsd';
  }
  if (/\.ann$/i.test(path)) {
    return 'brat';
  }
  const head = await readTextHead(path, 'The gold file');
  const trimmed = head.trimStart();
  if (trimmed === '') throw goldFormatError('the file is empty (or holds only blank lines): there is no gold data in it.', { file: path }, 'Name a gold file that holds records.');
  if (/^(@prefix|@base|prefix|base)\b/i.test(trimmed) || trimmed.startsWith('<http')) {
    return 'nif';
  }
  if (trimmed.startsWith('<?xml') || trimmed.startsWith('<corpus')) {
    return 'wsd';
  }
  const firstLine = trimmed.split(/\r?\n/)[0];
  let rec: unknown;
  try {
    rec = JSON.parse(firstLine);
  } catch {
    rec = undefined;
  }
  if (isRecord(rec)) {
    if ('mention_id' in rec || 'context_document_id' in rec) {
      return 'zeshel';
    }
    if ('labels' in rec && 'text' in rec) {
      return 'elevant';
    }
    if ('spans' in rec && 'text' in rec) {
      return 'prodigy';
    }
    if ((rec.kind === 'header' && 'contentHash' in rec) || ('status' in rec && 'start' in rec && 'end' in rec)) {
      return 'annotations';
    }
    if ('context_left' in rec && 'mention' in rec) {
      return 'blink';
    }
  }
  throw goldFormatError('cannot tell the gold format from the name or the first record.', { file: path, line: 1 }, `Name it with --gold-format (${GOLD_FORMATS.join(', ')}).`);
}

async function wsdDataFile(path: string): Promise<string> {
  if (!(await statInput(path, 'The WSD gold', 'file-or-folder')).isDirectory()) {
    return path;
  }
  const data = (await readdir(path)).filter((n) => n.endsWith('.data.xml'));
  if (data.length !== 1) {
    throw goldFormatError(`expected one *.data.xml in the folder, found ${data.length}.`, { file: path }, 'Pass the .data.xml file itself.');
  }
  return join(path, data[0]);
}
