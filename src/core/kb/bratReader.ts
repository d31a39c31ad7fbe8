import type { Entity } from './entity';
import type { KbReadOptions } from './kbReadOptions';
import { RecordProblems, detach } from './kbReadOptions';
import { makeEntity } from './jsonLineReaders';
import { readLines } from './lineReader';

const HINT = 'A brat normalisation DB line is `id<TAB>name:Name:Title[<TAB>name:Also known as:Alias ...][<TAB>attr:Type:T][<TAB>info:Info:text]`.';

/**
 * brat's normalisation DB (TSV): `id\tname:<label>:<value>\t...\tattr:<label>:<value>\tinfo:<label>:<value>`.
 * The first name is the title and later names are aliases; `attr:Type` is the type and `info:Info` the
 * description. Other info fields (images, links) are not entity text and are dropped.
 */
export async function* readBratKb(file: string, options: KbReadOptions = {}): AsyncGenerator<Entity> {
  const problems = new RecordProblems(options);
  const withSource = options.sourceLocations ?? true;
  for await (const { line, lineNo } of readLines(file, { signal: options.signal, onProgress: options.onProgress })) {
    if (line.trim() === '' || line.startsWith('#')) continue;
    const fields = line.split('\t');
    const id = fields[0].trim();
    if (id === '') {
      problems.bad(file, lineNo, 'the id (first field) is empty', HINT);
      continue;
    }
    let title = '';
    let text = '';
    let type: string | undefined;
    const aliases: string[] = [];
    let malformed: string | undefined;
    for (let i = 1; i < fields.length; i++) {
      const f = fields[i];
      if (f === '') continue;
      const first = f.indexOf(':');
      const second = first < 0 ? -1 : f.indexOf(':', first + 1);
      if (second < 0) {
        malformed = `field ${i + 1} "${f.slice(0, 40)}" is not kind:label:value`;
        break;
      }
      const kind = f.slice(0, first);
      const label = f.slice(first + 1, second);
      const value = f.slice(second + 1).trim();
      if (kind === 'name') {
        if (value === '') continue;
        if (title === '') title = detach(value);
        else if (value !== title && !aliases.includes(value)) aliases.push(detach(value));
      } else if (kind === 'attr') {
        if (label.toLowerCase() === 'type' && type === undefined && value !== '') type = detach(value);
      } else if (kind === 'info') {
        if (label.toLowerCase() === 'info' && value !== '') text = detach(text === '' ? value : `${text} ${value}`);
      } else {
        malformed = `field ${i + 1} has unknown kind "${kind}" (expected name, attr or info)`;
        break;
      }
    }
    if (malformed !== undefined) {
      problems.bad(file, lineNo, malformed, HINT);
      continue;
    }
    if (title === '') {
      problems.bad(file, lineNo, `entity ${id} has no name:<label>:<value> field`, HINT);
      continue;
    }
    yield makeEntity(detach(id), title, text, aliases.slice(), type, withSource ? `${file}:${lineNo}` : undefined);
  }
}
