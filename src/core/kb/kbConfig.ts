import * as path from 'node:path';
import type { KbFormat } from './entity';
import type { ColumnMapping, KbField, WordNetPos } from './kbReadOptions';
import type { KbSourceSpec } from './sniffFormat';
import type { KbLoadOptions, KbLoadReport } from './loadKnowledgeBase';
import type { KnowledgeBase } from './knowledgeBase';
import { KB_FORMATS } from './entity';
import { loadKnowledgeBase } from './loadKnowledgeBase';
import { LinkerError } from '../errors';
import { readTextInput } from '../inputFile';

/** A KB config file: `{"name"?, "maxTextChars"?, "sources":[{"path","format"?,"columns"?,"header"?,"pos"?,"lang"?}]}`. */
export interface KbConfig {
  readonly name?: string;
  readonly maxTextChars?: number;
  readonly sources: KbSourceSpec[];
}

const FIELDS: readonly KbField[] = ['id', 'title', 'text', 'aliases', 'type'];
const POS: readonly WordNetPos[] = ['n', 'v', 'a', 'r'];

/**
 * Validates a parsed config; relative source paths resolve against `baseDir` (the config file's folder),
 * except the `wordnet` keyword. Errors name the config file and the offending source.
 */
export function parseKbConfig(value: unknown, file: string, baseDir: string): KbConfig {
  const fail = (message: string): never => {
    throw new LinkerError('inputFormat', `KB config: ${message}.`, { location: { file }, hint: 'Expected {"sources":[{"path":"kb.csv","format":"csv","columns":{"id":"qid","title":"name"}}]}.' });
  };
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return fail('the file is not a JSON object');
  const v = value as Record<string, unknown>;
  if (!Array.isArray(v.sources) || v.sources.length === 0) return fail('"sources" must be a non-empty list');
  if (v.name !== undefined && typeof v.name !== 'string') fail('"name" must be a string');
  if (v.maxTextChars !== undefined && !(typeof v.maxTextChars === 'number' && v.maxTextChars > 0)) fail('"maxTextChars" must be a positive number');
  const sources = (v.sources as unknown[]).map((raw, i): KbSourceSpec => {
    const at = `sources[${i}]`;
    if (raw === null || typeof raw !== 'object') return fail(`${at} is not an object`);
    const s = raw as Record<string, unknown>;
    if (typeof s.path !== 'string' || s.path === '') return fail(`${at}.path must be a non-empty string`);
    if (s.format !== undefined && !(KB_FORMATS as readonly unknown[]).includes(s.format)) fail(`${at}.format "${String(s.format)}" is not one of ${KB_FORMATS.join(', ')}`);
    let columns: ColumnMapping | undefined;
    if (s.columns !== undefined) {
      if (s.columns === null || typeof s.columns !== 'object' || Array.isArray(s.columns)) return fail(`${at}.columns must be an object`);
      const c: Partial<Record<KbField, string | number>> = {};
      for (const [k, ref] of Object.entries(s.columns as Record<string, unknown>)) {
        if (!(FIELDS as readonly string[]).includes(k)) fail(`${at}.columns.${k} is not one of ${FIELDS.join(', ')}`);
        if (!(typeof ref === 'string' || (typeof ref === 'number' && Number.isInteger(ref) && ref >= 0))) fail(`${at}.columns.${k} must be a header name or a 0-based position`);
        c[k as KbField] = ref as string | number;
      }
      columns = c;
    }
    if (s.header !== undefined && typeof s.header !== 'boolean') fail(`${at}.header must be true or false`);
    let pos: WordNetPos[] | undefined;
    if (s.pos !== undefined) {
      if (!Array.isArray(s.pos) || s.pos.some((p) => !(POS as readonly unknown[]).includes(p))) fail(`${at}.pos must be a list of n, v, a, r`);
      pos = s.pos as WordNetPos[];
    }
    if (s.lang !== undefined && typeof s.lang !== 'string') fail(`${at}.lang must be a string`);
    const p = s.path === 'wordnet' && (s.format === undefined || s.format === 'wordnet') ? 'wordnet' : path.resolve(baseDir, s.path);
    const spec: { -readonly [K in keyof KbSourceSpec]: KbSourceSpec[K] } = { path: p };
    if (s.format !== undefined) spec.format = s.format as KbFormat;
    else if (p === 'wordnet') spec.format = 'wordnet';
    if (columns !== undefined) spec.columns = columns;
    if (s.header !== undefined) spec.header = s.header as boolean;
    if (pos !== undefined) spec.pos = pos;
    if (s.lang !== undefined) spec.lang = s.lang as string;
    return spec;
  });
  const config: { -readonly [K in keyof KbConfig]: KbConfig[K] } = { sources };
  if (typeof v.name === 'string') config.name = v.name;
  if (typeof v.maxTextChars === 'number') config.maxTextChars = v.maxTextChars;
  return config;
}

/** Reads and validates a KB config file. */
export async function readKbConfig(file: string): Promise<KbConfig> {
  const text = await readTextInput(file, 'The KB config');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (e) {
    throw new LinkerError('inputFormat', `KB config is not valid JSON: ${(e as Error).message}.`, { location: { file }, hint: 'Fix the JSON syntax.' });
  }
  return parseKbConfig(value, file, path.dirname(path.resolve(file)));
}

/** Loads the KB a config file describes; the config's name and text limit apply unless the options set them. */
export async function loadKnowledgeBaseFromConfig(file: string, options: KbLoadOptions = {}): Promise<{ kb: KnowledgeBase; report: KbLoadReport }> {
  const config = await readKbConfig(file);
  return loadKnowledgeBase(config.sources, {
    ...options,
    name: options.name ?? config.name ?? path.basename(file, path.extname(file)),
    maxTextChars: options.maxTextChars ?? config.maxTextChars,
  });
}
