import { readTextInput } from '../inputFile';
import type { Entity } from './entity';
import type { KbField, KbReadOptions } from './kbReadOptions';
import { RecordProblems, splitAliases } from './kbReadOptions';
import { fieldOfName, normaliseName } from './columnRules';
import { makeEntity } from './jsonLineReaders';
import { statKbFile } from './lineReader';
import { jsonErrorOffset, lineColumnOf } from './jsonErrorPosition';
import { LinkerError, throwIfAborted } from '../errors';

/**
 * SPARQL 1.1 SELECT results in JSON are one document, not lines, and no streaming JSON parser is among the
 * pinned dependencies. JSON.parse is acceptable because endpoints bound result sets (the Wikidata service
 * stops a query at 60 s, far below this cap) and the text is dropped right after parsing, so only the parsed
 * bindings and the entities live together for one pass. Bigger exports should be requested as TSV/CSV,
 * which stream; the cap says so rather than failing inside V8's string limit.
 */
const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

interface Term {
  readonly type?: string;
  readonly value?: string;
  readonly 'xml:lang'?: string;
}

type Binding = Record<string, Term | undefined>;

interface EntityDraft {
  title: string;
  titlePreferred: boolean;
  text: string;
  textPreferred: boolean;
  aliases: Set<string>;
  type: string | undefined;
}

const WIKIDATA_ENTITY = /^https?:\/\/www\.wikidata\.org\/entity\/([QPL]\d+)$/;

/** Entity ids from terms: Wikidata entity IRIs shorten to their QID (the id every other source uses); other IRIs stay whole. */
function idOf(term: Term): string {
  const value = term.value ?? '';
  const m = term.type === 'uri' ? WIKIDATA_ENTITY.exec(value) : null;
  return m === null ? value : m[1];
}

/** Variable -> field: the explicit mapping, then the name rules, then the first variable bound to IRIs as the id. */
function mapVariables(vars: readonly string[], bindings: readonly Binding[], explicit: KbReadOptions['columns']): Map<KbField, string> {
  const fields = new Map<KbField, string>();
  for (const [field, ref] of Object.entries(explicit ?? {}) as Array<[KbField, string | number | undefined]>) {
    if (ref === undefined) continue;
    const name = typeof ref === 'number' ? vars[ref] : vars.find((v) => v === ref || normaliseName(v) === normaliseName(ref));
    if (name !== undefined) fields.set(field, name);
  }
  const used = new Set(fields.values());
  for (const v of vars) {
    const field = fieldOfName(v);
    if (field !== undefined && !fields.has(field) && !used.has(v)) {
      fields.set(field, v);
      used.add(v);
    }
  }
  if (!fields.has('id')) {
    const uriVar = vars.find((v) => !used.has(v) && bindings.some((b) => b[v]?.type === 'uri'));
    if (uriVar !== undefined) fields.set('id', uriVar);
  }
  return fields;
}

/** Reads SPARQL SELECT results; rows of the same entity (one per alias or language) merge into one entity. */
export async function* readSparqlJsonKb(file: string, options: KbReadOptions = {}): AsyncGenerator<Entity> {
  const problems = new RecordProblems(options);
  const size = await statKbFile(file);
  if (size > MAX_DOCUMENT_BYTES) {
    throw new LinkerError('inputFormat', `SPARQL JSON result is ${(size / 1048576).toFixed(0)} MiB, over the ${MAX_DOCUMENT_BYTES / 1048576} MiB a single JSON document may have here.`, {
      location: { file },
      hint: 'Export the query as TSV or CSV (Accept: text/tab-separated-values), which loads as a stream.',
    });
  }
  options.onProgress?.({ stage: `read ${file}`, done: 0, total: size });
  let doc: unknown;
  {
    const text = await readTextInput(file, 'The SPARQL JSON result');
    try {
      doc = JSON.parse(text);
    } catch (e) {
      const message = (e as Error).message;
      const at = jsonErrorOffset(text);
      const where = at === undefined ? undefined : lineColumnOf(text, at);
      throw new LinkerError('kbRecord', `SPARQL JSON result is not valid JSON: ${message}${where === undefined ? '' : ` (line ${where.line}, column ${where.column})`}.`, {
        location: { file, line: where?.line },
        hint: 'Save the endpoint answer unchanged (format application/sparql-results+json).',
      });
    }
  }
  options.onProgress?.({ stage: `read ${file}`, done: size, total: size });
  const head = (doc as { head?: { vars?: unknown } } | null)?.head;
  const bindings = (doc as { results?: { bindings?: unknown } } | null)?.results?.bindings;
  if (!Array.isArray(head?.vars) || !Array.isArray(bindings)) {
    throw new LinkerError('inputFormat', 'Not a SPARQL SELECT result: "head.vars" or "results.bindings" is missing.', {
      location: { file },
      hint: 'Expected {"head":{"vars":[...]},"results":{"bindings":[...]}} as a SELECT query returns it.',
    });
  }
  const vars = (head.vars as unknown[]).filter((v): v is string => typeof v === 'string');
  const fields = mapVariables(vars, bindings as Binding[], options.columns);
  const idVar = fields.get('id');
  if (idVar === undefined) {
    throw new LinkerError('inputFormat', `No id variable among ${vars.map((v) => `?${v}`).join(' ')}.`, {
      location: { file },
      hint: 'Name it ?id/?item/?entity/?iri, bind it to IRIs, or map it: columns: {"id": "<var>"}.',
    });
  }
  const lang = (options.lang ?? 'en').toLowerCase();
  const preferred = (t: Term): boolean => {
    const l = t['xml:lang']?.toLowerCase();
    return l === undefined || l === '' || l === lang || l.startsWith(`${lang}-`);
  };
  const drafts = new Map<string, EntityDraft>();
  const get = (b: Binding, f: KbField): Term | undefined => {
    const v = fields.get(f);
    const t = v === undefined ? undefined : b[v];
    return t !== undefined && typeof t.value === 'string' && t.value.trim() !== '' ? t : undefined;
  };
  (bindings as unknown[]).forEach((raw, i) => {
    if ((i & 4095) === 0) throwIfAborted(options.signal);
    if (raw === null || typeof raw !== 'object') {
      problems.bad(file, 0, `results.bindings[${i}] is not an object`, 'Each binding maps variable names to {type, value}.');
      return;
    }
    const b = raw as Binding;
    const idTerm = get(b, 'id');
    if (idTerm === undefined) {
      problems.bad(file, 0, `results.bindings[${i}] has no value for ?${idVar}`, `Every row needs ?${idVar}; add it to the SELECT or map another variable as the id.`);
      return;
    }
    const id = idOf(idTerm);
    let d = drafts.get(id);
    if (d === undefined) {
      d = { title: '', titlePreferred: false, text: '', textPreferred: false, aliases: new Set(), type: undefined };
      drafts.set(id, d);
    }
    const title = get(b, 'title');
    if (title !== undefined) {
      const value = title.value!.trim();
      const pref = preferred(title);
      if (d.title === '' || (pref && !d.titlePreferred)) {
        if (d.title !== '') d.aliases.add(d.title);
        d.title = value;
        d.titlePreferred = pref;
      } else if (value !== d.title) {
        d.aliases.add(value);
      }
    }
    const text = get(b, 'text');
    if (text !== undefined && (d.text === '' || (preferred(text) && !d.textPreferred))) {
      d.text = text.value!.trim();
      d.textPreferred = preferred(text);
    }
    const alias = get(b, 'aliases');
    if (alias !== undefined) for (const a of splitAliases(alias.value!)) d.aliases.add(a);
    const type = get(b, 'type');
    if (type !== undefined && d.type === undefined) d.type = type.type === 'uri' ? idOf(type) : type.value!.trim();
  });
  const withSource = options.sourceLocations ?? true;
  for (const [id, d] of drafts) {
    d.aliases.delete(d.title);
    yield makeEntity(id, d.title, d.text, [...d.aliases], d.type, withSource ? file : undefined);
  }
}
