import { readTextInput } from '../inputFile';
import { LinkerError } from '../errors';
import { type GoldDocument, type GoldMention, type InvalidSpanListener, badSpan, goldFormatError } from './goldDocument';
import { CodePointOffsets, hasAstral } from './offsets';

/** The part of the `n3` package this reader uses (the package ships no type declarations). */
interface N3Term {
  readonly termType: string;
  readonly value: string;
}
interface N3Quad {
  readonly subject: N3Term;
  readonly predicate: N3Term;
  readonly object: N3Term;
}
interface N3Parser {
  parse(input: string, callback: (error: (Error & { context?: { line?: number } }) | null, quad: N3Quad | null) => void): void;
  /** Private in n3: the lexer's current line, read only to point error messages at a line. */
  readonly _lexer?: { readonly _line?: number };
}
interface N3Module {
  Parser: new (options?: { baseIRI?: string; format?: string }) => N3Parser;
}

const NIF = 'http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#';
const ITSRDF = 'http://www.w3.org/2005/11/its/rdf#';
const RDF_TYPE = 'http://www.w3.org/1999/02/22-rdf-syntax-ns#type';

/** How NIF offsets are counted. `auto`: code points (the NIF 2.0 definition) unless the anchor only matches as UTF-16. */
export type NifOffsetUnit = 'auto' | 'code-point' | 'utf-16';

export interface NifReadOptions {
  readonly offsetUnit?: NifOffsetUnit;
  /** Extra IRIs that mean "no entity" besides the usual NIL markers. */
  readonly nilIris?: readonly string[];
  /** Skip (and report) mentions whose offsets do not fit, instead of failing. */
  readonly onInvalidSpan?: InvalidSpanListener;
}

interface Subject {
  readonly iri: string;
  readonly line: number | undefined;
  readonly values: Map<string, string[]>;
}

/** GERBIL marks emerging entities (not in its reference KB, Wikipedia) with IRIs in a notInWiki namespace. */
export function isEmergingIri(iri: string): boolean {
  return iri.includes('notInWiki');
}

/** GERBIL marks emerging entities with notInWiki IRIs; other tools use a literal NIL segment. */
export function isNilIri(iri: string, extra: readonly string[] = []): boolean {
  if (extra.includes(iri) || isEmergingIri(iri)) {
    return true;
  }
  const last = iri.split(/[/#]/).pop() ?? '';
  return /^(nil|--nme--|<nil>|null)$/i.test(last) || iri === '';
}

export async function readNifFile(path: string, options: NifReadOptions = {}): Promise<GoldDocument[]> {
  return parseNif(await readTextInput(path, 'The NIF gold file'), path, options);
}

/** Reads NIF 2.0 Turtle: every nif:Context with nif:isString (one text; two different ones are an error) is a document, every resource with offsets pointing at it a mention. */
export async function parseNif(turtle: string, file: string, options: NifReadOptions = {}): Promise<GoldDocument[]> {
  const subjects = await collectSubjects(turtle, file);
  const contexts = [...subjects.values()].filter((s) => s.values.has(NIF + 'isString'));
  if (contexts.length === 0) {
    throw goldFormatError('no nif:Context with nif:isString found.', { file }, 'Is this a NIF file? Each document needs a context resource holding its text.');
  }
  for (const c of contexts) {
    const texts = [...new Set(c.values.get(NIF + 'isString'))];
    if (texts.length > 1) {
      const shown = texts.map((s) => JSON.stringify(s.length > 60 ? `${s.slice(0, 60)}...` : s)).join(', ');
      throw goldFormatError(`the nif:Context ${c.iri} has ${texts.length} different nif:isString values (${shown}): its mentions' offsets could count any of them.`, { file, line: c.line }, 'Keep one nif:isString per context: give each document its own context IRI (two files joined into one reuse IRIs), or remove the wrong text.');
    }
  }
  const contextIris = new Set(contexts.map((c) => c.iri));
  const mentionsByContext = new Map<string, GoldMention[]>(contexts.map((c) => [c.iri, []]));
  const codePointsByContext = new Map<string, CodePointOffsets>();
  for (const subject of subjects.values()) {
    if (contextIris.has(subject.iri) || !subject.values.has(NIF + 'beginIndex') || !subject.values.has(NIF + 'endIndex')) {
      continue;
    }
    const where = { file, line: subject.line };
    let contextIri = first(subject, NIF + 'referenceContext');
    if (contextIri === undefined) {
      if (contexts.length !== 1) {
        throw goldFormatError(`${subject.iri} has offsets but no nif:referenceContext, and the file has ${contexts.length} contexts.`, where);
      }
      contextIri = contexts[0].iri;
    }
    const context = subjects.get(contextIri);
    const text = context === undefined ? undefined : first(context, NIF + 'isString');
    if (text === undefined) {
      throw goldFormatError(`${subject.iri}: its nif:referenceContext ${contextIri} has no nif:isString.`, where);
    }
    let codePoints = codePointsByContext.get(contextIri);
    if (codePoints === undefined && hasAstral(text)) {
      codePoints = new CodePointOffsets(text);
      codePointsByContext.set(contextIri, codePoints);
    }
    const mention = toMention(subject, text, codePoints, where, options);
    if (mention === undefined) continue;
    const list = mentionsByContext.get(contextIri) ?? [];
    list.push(mention);
    mentionsByContext.set(contextIri, list);
  }
  return contexts.map((c) => ({
    id: c.iri,
    path: file,
    text: first(c, NIF + 'isString') ?? '',
    mentions: (mentionsByContext.get(c.iri) ?? []).sort((a, b) => a.start - b.start || a.end - b.end),
  }));
}

function toMention(subject: Subject, text: string, codePoints: CodePointOffsets | undefined, where: { file: string; line: number | undefined }, options: NifReadOptions): GoldMention | undefined {
  const rawBegin = first(subject, NIF + 'beginIndex') ?? '';
  const rawEnd = first(subject, NIF + 'endIndex') ?? '';
  // Whole numbers only: Number() read "" as 0, and " 5", "0x5" or "5e0" as offsets nobody wrote.
  const whole = /^\d+$/.test(rawBegin) && /^\d+$/.test(rawEnd);
  const anchor = first(subject, NIF + 'anchorOf');
  const span = whole
    ? resolveOffsets(text, codePoints, Number(rawBegin), Number(rawEnd), anchor, options.offsetUnit ?? 'auto')
    : `nif:beginIndex ${JSON.stringify(rawBegin)} / nif:endIndex ${JSON.stringify(rawEnd)} are not whole numbers`;
  if (typeof span === 'string') {
    return badSpan(`${subject.iri}: ${span}`, { file: where.file, line: where.line, record: subject.iri }, options.onInvalidSpan, 'Check nif:beginIndex/nif:endIndex against nif:isString (offsets count Unicode code points in NIF 2.0).');
  }
  const refs = subject.values.get(ITSRDF + 'taIdentRef') ?? [];
  const goldIds = refs.filter((iri) => !isNilIri(iri, options.nilIris));
  const emergingIds = goldIds.length === 0 ? refs.filter(isEmergingIri) : [];
  return {
    ...(emergingIds.length > 0 ? { emergingIds } : {}),
    start: span.start,
    end: span.end,
    text: text.slice(span.start, span.end),
    goldIds,
    nil: goldIds.length === 0,
    source: { file: where.file, line: where.line, record: subject.iri },
  };
}

/** Converts NIF offsets to UTF-16, or returns what is wrong with them. `codePoints` is undefined for a text without astral characters. */
function resolveOffsets(
  text: string,
  codePoints: CodePointOffsets | undefined,
  begin: number,
  end: number,
  anchor: string | undefined,
  unit: NifOffsetUnit,
): { start: number; end: number } | string {
  if (!Number.isInteger(begin) || !Number.isInteger(end) || begin < 0 || begin >= end) {
    return `nif:beginIndex ${begin} / nif:endIndex ${end} are not a non-empty range`;
  }
  const utf16 = { start: begin, end };
  const fits16 = end <= text.length;
  if (unit === 'utf-16' || codePoints === undefined) {
    return checkAnchor(text, utf16, anchor, fits16);
  }
  const cp = codePoints;
  const s = cp.toUtf16(begin);
  const e = cp.toUtf16(end);
  const asCodePoints = s === undefined || e === undefined ? undefined : { start: s, end: e };
  if (unit === 'code-point') {
    return asCodePoints === undefined ? `the range [${begin}, ${end}) lies outside the text (${cp.length} code points)` : checkAnchor(text, asCodePoints, anchor, true);
  }
  if (asCodePoints !== undefined && (anchor === undefined || text.slice(asCodePoints.start, asCodePoints.end) === anchor)) {
    return asCodePoints;
  }
  return checkAnchor(text, utf16, anchor, fits16);
}

function checkAnchor(text: string, span: { start: number; end: number }, anchor: string | undefined, fits: boolean): { start: number; end: number } | string {
  if (!fits) {
    return `the range [${span.start}, ${span.end}) lies outside the text (length ${text.length})`;
  }
  const found = text.slice(span.start, span.end);
  if (anchor !== undefined && found !== anchor) {
    return `nif:anchorOf is ${JSON.stringify(anchor)} but the text at [${span.start}, ${span.end}) is ${JSON.stringify(found)}`;
  }
  return span;
}

function first(subject: Subject, predicate: string): string | undefined {
  return subject.values.get(predicate)?.[0];
}

function collectSubjects(turtle: string, file: string): Promise<Map<string, Subject>> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const n3 = require('n3') as N3Module;
  const parser = new n3.Parser({ baseIRI: `file://${file}` });
  const subjects = new Map<string, Subject>();
  return new Promise((resolve, reject) => {
    parser.parse(turtle, (error, quad) => {
      if (error !== null) {
        const line = error.context?.line;
        reject(new LinkerError('inputFormat', `Turtle syntax error: ${error.message}`, { location: { file, line }, hint: 'Fix the Turtle syntax (NIF files are RDF Turtle).', cause: error }));
        return;
      }
      if (quad === null) {
        resolve(subjects);
        return;
      }
      const key = quad.subject.value;
      let subject = subjects.get(key);
      if (subject === undefined) {
        subject = { iri: key, line: parser._lexer?._line, values: new Map() };
        subjects.set(key, subject);
      }
      // rdf:type is only informative here: a resource is a context by having a text, a mention by having offsets.
      if (quad.predicate.value !== RDF_TYPE) {
        const list = subject.values.get(quad.predicate.value) ?? [];
        list.push(quad.object.value);
        subject.values.set(quad.predicate.value, list);
      }
    });
  });
}
