import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Entity } from './entity';
import type { KbReadOptions } from './kbReadOptions';
import { RecordProblems, scalarProblem, scalarString } from './kbReadOptions';
import { readLineBatches } from './lineReader';
import { LinkerError } from '../errors';
import { statInput } from '../inputFile';

/** Entities without aliases share one frozen empty list (a million empty arrays are ~16 MB for nothing). */
const NO_ALIASES: readonly string[] = Object.freeze([]);

/** Builds an entity with only the fields that are set (absent `type`/`source` cost nothing per entity). */
export function makeEntity(id: string, title: string, text: string, aliases: readonly string[], type: string | undefined, source: string | undefined): Entity {
  const e: { id: string; title: string; text: string; aliases: readonly string[]; type?: string; source?: string } = { id, title, text, aliases: aliases.length === 0 ? NO_ALIASES : aliases };
  if (type !== undefined && type !== '') e.type = type;
  if (source !== undefined) e.source = source;
  return e;
}

type LineMapper = (record: Record<string, unknown>, source: string | undefined) => Entity | string;

/** The shared loop of every JSON-lines format: parse each line, map it, report bad ones with file:line. */
async function* readJsonLinesAs(file: string, options: KbReadOptions, formatName: string, expected: string, map: LineMapper): AsyncGenerator<Entity> {
  const problems = new RecordProblems(options);
  const withSource = options.sourceLocations ?? true;
  for await (const batch of readLineBatches(file, { signal: options.signal, onProgress: options.onProgress })) {
    for (const { line, lineNo } of batch) {
      if (line.trim() === '') continue;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch (e) {
        problems.bad(file, lineNo, `not valid JSON (${(e as Error).message})`, `Each line of a ${formatName} KB must be one JSON object ${expected}.`);
        continue;
      }
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) {
        problems.bad(file, lineNo, 'the line is JSON but not an object', `Each line of a ${formatName} KB must be one JSON object ${expected}.`);
        continue;
      }
      const result = map(parsed as Record<string, unknown>, withSource ? `${file}:${lineNo}` : undefined);
      if (typeof result === 'string') {
        problems.bad(file, lineNo, result, `Each line of a ${formatName} KB must be one JSON object ${expected}.`);
        continue;
      }
      yield result;
    }
  }
}

function aliasList(value: unknown): string[] | string {
  if (value === undefined || value === null) return [];
  if (typeof value === 'string') return value === '' ? [] : [value];
  if (!Array.isArray(value)) return '"aliases" is neither a list nor a string';
  let empty = 0;
  for (const a of value) {
    if (typeof a !== 'string') return '"aliases" holds a non-string';
    if (a === '') empty++;
  }
  // The parsed array is exactly sized; an array built by push keeps spare capacity (~120 B per entity).
  return empty === 0 ? (value as string[]) : (value as string[]).filter((a) => a !== '').slice();
}

/** The project's own format: `{id, title, text, aliases?, type?}` per line. */
export function readJsonlKb(file: string, options: KbReadOptions = {}): AsyncGenerator<Entity> {
  return readJsonLinesAs(file, options, 'JSONL', 'like {"id":"Q42","title":"Douglas Adams","text":"...","aliases":["..."]}', (r, source) => {
    const id = scalarString(r.id);
    if (id === undefined || id === '') return scalarProblem(r.id, 'id') ?? 'missing "id" (a non-empty string or number)';
    const title = r.title === undefined || r.title === null ? '' : scalarString(r.title);
    if (title === undefined) return scalarProblem(r.title, 'title') ?? '"title" is not a string';
    const text = r.text === undefined || r.text === null ? '' : scalarString(r.text);
    if (text === undefined) return scalarProblem(r.text, 'text') ?? '"text" is not a string';
    const aliases = aliasList(r.aliases);
    if (typeof aliases === 'string') return aliases;
    const type = r.type === undefined || r.type === null ? undefined : scalarString(r.type);
    return makeEntity(id, title, text, aliases, type, source);
  });
}

/** BLINK's entity catalogue: `{title, text, idx?, entity?}`; the id is idx, else entity, else the title. */
export function readBlinkKb(file: string, options: KbReadOptions = {}): AsyncGenerator<Entity> {
  return readJsonLinesAs(file, options, 'BLINK entity', 'like {"title":"...","text":"...","idx":"..."}', (r, source) => {
    const bad = scalarProblem(r.idx, 'idx') ?? scalarProblem(r.entity, 'entity');
    if (bad !== undefined) return bad;
    const title = scalarString(r.title) ?? '';
    const id = scalarString(r.idx) || scalarString(r.entity) || title;
    if (id === '') return 'no "idx", "entity" or "title" to take the id from';
    const text = r.text === undefined || r.text === null ? '' : scalarString(r.text);
    if (text === undefined) return '"text" is not a string';
    return makeEntity(id, title, text, [], undefined, source);
  });
}

/** One Zeshel world file `documents/<world>.json`: `{document_id, title, text}`; the world becomes the type. */
export function readZeshelWorld(file: string, options: KbReadOptions = {}): AsyncGenerator<Entity> {
  const world = path.basename(file).replace(/\.jsonl?$/, '');
  return readJsonLinesAs(file, options, 'Zeshel document', 'like {"document_id":"...","title":"...","text":"..."}', (r, source) => {
    const id = scalarString(r.document_id);
    if (id === undefined || id === '') return scalarProblem(r.document_id, 'document_id') ?? 'missing "document_id"';
    const title = scalarString(r.title) ?? '';
    // The description keeps its leading title as Zeshel ships it, as the reference pipelines read it.
    const text = scalarString(r.text) ?? '';
    const type = scalarString(r.world) ?? scalarString(r.corpus) ?? world;
    return makeEntity(id, title, text, [], type, source);
  });
}

/** The world files of a Zeshel path: one world file, a `documents/` folder, or a folder holding `documents/`. */
export async function zeshelWorldFiles(target: string): Promise<string[]> {
  const st = await statInput(target, 'The Zeshel KB source (a documents/<world>.json file or a documents/ folder)', 'file-or-folder');
  if (st.isFile()) return [target];
  let dir = target;
  const inner = path.join(target, 'documents');
  if (await isDirectory(inner)) dir = inner;
  const files = (await fs.readdir(dir)).filter((f) => /\.jsonl?$/.test(f)).sort();
  if (files.length === 0) {
    throw new LinkerError('inputMissing', `No Zeshel world files (*.json) in ${dir}.`, { hint: 'A Zeshel KB is documents/<world>.json, one document per line.' });
  }
  return files.map((f) => path.join(dir, f));
}

async function isDirectory(p: string): Promise<boolean> {
  try {
    return (await fs.stat(p)).isDirectory();
  } catch {
    return false;
  }
}

/** Every world of a Zeshel path, in file-name order. */
export async function* readZeshelKb(target: string, options: KbReadOptions = {}): AsyncGenerator<Entity> {
  for (const file of await zeshelWorldFiles(target)) {
    yield* readZeshelWorld(file, options);
  }
}
