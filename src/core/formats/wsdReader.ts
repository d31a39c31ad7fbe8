import { readTextInput } from '../inputFile';
import { basename } from 'node:path';
import { LinkerError } from '../errors';
import { type GoldDocument, type GoldMention, goldFormatError } from './goldDocument';

/**
 * Raganato et al. (2017) unified WSD framework: `<set>.data.xml` (corpus > text > sentence > wf | instance) and
 * `<set>.gold.key.txt` (`instance-id sense-key [sense-key...]`). Each sentence (or, with unit 'text', each text)
 * becomes a document whose text is its tokens joined by single spaces (with unit 'paragraphs', each text with
 * its sentences as paragraphs, separated by a blank line, so a mention's context stays in its sentence): the
 * tokens are pre-split, so any other joining would have to guess; single spaces keep every offset a plain sum and look like Zeshel's texts. Each
 * instance is a mention whose gold ids are its sense keys (the WordNet KB maps keys to synsets), with its lemma
 * and part of speech kept so a caller can restrict the candidates to the lemma's senses.
 *
 * The XML is parsed with `sax` (isaacs/sax-js, a maintained streaming parser; it is in node_modules through
 * @vscode/vsce and should be listed as a direct dependency).
 */
export type WsdUnit = 'sentence' | 'text' | 'paragraphs';

export interface WsdReadOptions {
  /** The gold key file; default: the data path with `.data.xml` replaced by `.gold.key.txt`. */
  readonly keyPath?: string;
  readonly unit?: WsdUnit;
}

interface SaxTag {
  readonly name: string;
  readonly attributes: Record<string, string>;
}
interface SaxParser {
  line: number;
  onopentag: (tag: SaxTag) => void;
  onclosetag: (name: string) => void;
  ontext: (text: string) => void;
  onerror: (error: Error) => void;
  write(chunk: string): SaxParser;
  close(): SaxParser;
}
interface SaxModule {
  parser(strict: boolean, options?: { trim?: boolean; normalize?: boolean }): SaxParser;
}

export function defaultKeyPath(dataPath: string): string {
  return dataPath.endsWith('.data.xml') ? dataPath.slice(0, -'.data.xml'.length) + '.gold.key.txt' : `${dataPath}.gold.key.txt`;
}

export async function readWsdFiles(dataPath: string, options: WsdReadOptions = {}): Promise<GoldDocument[]> {
  const keyPath = options.keyPath ?? defaultKeyPath(dataPath);
  const xml = await readTextInput(dataPath, 'The WSD data file');
  const keys = await readTextInput(keyPath, `The gold key file of ${basename(dataPath)} (the WSD framework keeps <set>.gold.key.txt beside <set>.data.xml)`);
  return parseWsd(xml, dataPath, keys, keyPath, options.unit ?? 'sentence');
}

/** Parses `instance-id key [key...]` lines into id -> keys (with the line for messages). */
export function parseGoldKeys(text: string, file: string): Map<string, { keys: string[]; line: number }> {
  const out = new Map<string, { keys: string[]; line: number }>();
  text.split(/\r?\n/).forEach((raw, i) => {
    const parts = raw.trim().split(/\s+/);
    if (parts[0] === '') {
      return;
    }
    if (parts.length < 2) {
      throw goldFormatError(`instance ${parts[0]} has no sense key.`, { file, line: i + 1 }, 'Each line is: instance-id sense-key [sense-key ...].');
    }
    if (out.has(parts[0])) {
      throw goldFormatError(`instance ${parts[0]} appears twice.`, { file, line: i + 1 });
    }
    out.set(parts[0], { keys: parts.slice(1), line: i + 1 });
  });
  return out;
}

interface Unit {
  id: string;
  /** The tokens, each after its separator from the one before. */
  tokens: string[];
  length: number;
  /** Unit 'paragraphs': a sentence started since the last token (the next one begins a paragraph). */
  paragraph?: boolean;
  mentions: GoldMention[];
}

interface OpenInstance {
  id: string;
  lemma?: string;
  pos?: string;
  line: number;
}

export function parseWsd(xml: string, file: string, keyText: string, keyFile: string, unit: WsdUnit = 'sentence'): GoldDocument[] {
  const keys = parseGoldKeys(keyText, keyFile);
  // The line of each instance read: a second instance with one id would silently get the first one's keys.
  const used = new Map<string, number>();
  const collection = basename(file).replace(/\.data\.xml$/, '');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const sax = require('sax') as SaxModule;
  const parser = sax.parser(true);
  const docs: GoldDocument[] = [];
  let current: Unit | undefined;
  let token: string | undefined;
  let instance: OpenInstance | undefined;
  let textId: string | undefined;
  const fail = (message: string): never => {
    throw goldFormatError(message, { file, line: parser.line + 1 });
  };
  const flush = (): void => {
    if (current !== undefined) {
      // A sentence's text is its group: splits keep the sentences of one text together (documentGroup).
      const group = unit === 'sentence' && textId !== undefined ? { group: `${collection}/${textId}` } : {};
      docs.push({ id: current.id, path: file, text: current.tokens.join(''), mentions: current.mentions, collection, ...group });
      current = undefined;
    }
  };
  parser.onopentag = (tag) => {
    const a = tag.attributes;
    if (tag.name === 'text') {
      textId = a['id'];
      if (unit === 'text' || unit === 'paragraphs') {
        current = { id: a['id'] ?? `text@${parser.line + 1}`, tokens: [], length: 0, mentions: [] };
      }
    } else if (tag.name === 'sentence' && unit === 'paragraphs' && current !== undefined) {
      current.paragraph = current.tokens.length > 0;
    } else if (tag.name === 'sentence' && unit === 'sentence') {
      current = { id: a['id'] ?? `${textId ?? 'sentence'}@${parser.line + 1}`, tokens: [], length: 0, mentions: [] };
    } else if (tag.name === 'wf' || tag.name === 'instance') {
      if (current === undefined) {
        fail(`<${tag.name}> outside a <${unit}>.`);
      }
      token = '';
      if (tag.name === 'instance') {
        if (a['id'] === undefined) {
          fail('<instance> without an id.');
        }
        instance = { id: a['id'], lemma: a['lemma'], pos: a['pos'], line: parser.line + 1 };
      }
    }
  };
  parser.ontext = (text) => {
    if (token !== undefined) {
      token += text;
    }
  };
  parser.onclosetag = (name) => {
    if ((name === 'wf' || name === 'instance') && current !== undefined && token !== undefined) {
      const surface = token.trim();
      const gap = current.tokens.length === 0 ? '' : current.paragraph === true ? '\n\n' : ' ';
      const start = current.length + gap.length;
      current.tokens.push(current.tokens.length === 0 ? surface : gap + surface);
      current.paragraph = false;
      current.length = start + surface.length;
      if (instance !== undefined) {
        const gold = keys.get(instance.id);
        if (gold === undefined) {
          throw goldFormatError(`instance ${instance.id} has no line in ${keyFile}.`, { file, line: instance.line });
        }
        const firstLine = used.get(instance.id);
        if (firstLine !== undefined) {
          throw goldFormatError(`instance ${instance.id} is used again (first at line ${firstLine}).`, { file, line: instance.line }, 'Give each <instance> its own id (and its own line in the key file), or remove the repeated one.');
        }
        used.set(instance.id, instance.line);
        current.mentions.push({
          start,
          end: start + surface.length,
          text: surface,
          goldIds: gold.keys,
          nil: false,
          lemma: instance.lemma,
          pos: instance.pos,
          source: { file, line: instance.line, record: instance.id },
        });
      }
      token = undefined;
      instance = undefined;
    } else if ((name === 'sentence' && unit === 'sentence') || (name === 'text' && unit !== 'sentence')) {
      flush();
    }
    if (name === 'text') textId = undefined;
  };
  parser.onerror = (error) => {
    throw new LinkerError('inputFormat', `XML error: ${error.message.split('\n')[0]}.`, { location: { file, line: parser.line + 1 }, cause: error });
  };
  parser.write(xml).close();
  for (const [id, entry] of keys) {
    if (!used.has(id)) {
      throw goldFormatError(`instance ${id} is not in ${file}.`, { file: keyFile, line: entry.line }, 'Is this the key file of another set?');
    }
  }
  return docs;
}
