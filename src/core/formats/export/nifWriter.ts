import { codePointIndex } from '../offsets';
import { type GoldDocument, assertWellFormedText } from '../goldDocument';

/**
 * NIF 2.0 Turtle (the GERBIL/INCEpTION interchange format): a nif:Context per document with its text, a
 * nif:Phrase per mention with code-point offsets (NIF counts Unicode code points, not UTF-16 units), the anchor
 * and `itsrdf:taIdentRef` for each gold id. NIL mentions have no taIdentRef. Ids that are not IRIs are written
 * under `entityBase` (read them back with the iri-suffix gold mapping).
 */
export interface NifExportOptions {
  /** Prefix of document IRIs for documents whose id is not an IRI. */
  readonly documentBase?: string;
  /** Prefix of entity IRIs for ids that are not IRIs. */
  readonly entityBase?: string;
}

/** The first line of every NIF file we write: how an export recognises its own earlier output (exportTarget.ts). */
export const NIF_EXPORT_MARKER = '# entity-linker export (NIF 2.0)';

export const DEFAULT_DOCUMENT_BASE = 'urn:entity-linker:doc/';
export const DEFAULT_ENTITY_BASE = 'urn:entity-linker:kb/';

const IRI = /^[A-Za-z][A-Za-z0-9+.-]*:[^\s<>"{}|^`\\]+$/;

export function nifTurtle(docs: readonly GoldDocument[], options: NifExportOptions = {}): string {
  const docBase = options.documentBase ?? DEFAULT_DOCUMENT_BASE;
  const entityBase = options.entityBase ?? DEFAULT_ENTITY_BASE;
  const out: string[] = [
    NIF_EXPORT_MARKER,
    '@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .',
    '@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .',
    '@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .',
    '',
  ];
  const used = new Set<string>();
  for (const doc of docs) assertWellFormedText(doc, 'NIF');
  for (const doc of docs) {
    const cp = codePointIndex(doc.text);
    let base = IRI.test(doc.id) ? doc.id.replace(/#.*$/, '') : `${docBase}${encodeURIComponent(doc.id)}`;
    for (let n = 2; used.has(base); n++) base = `${IRI.test(doc.id) ? doc.id.replace(/#.*$/, '') : `${docBase}${encodeURIComponent(doc.id)}`}-${n}`;
    used.add(base);
    const context = `${base}#char=0,${cp(doc.text.length)}`;
    out.push(`<${iriText(context)}> a nif:Context , nif:String ;`);
    out.push(`    nif:beginIndex "0"^^xsd:nonNegativeInteger ;`);
    out.push(`    nif:endIndex "${cp(doc.text.length)}"^^xsd:nonNegativeInteger ;`);
    out.push(`    nif:isString ${literal(doc.text)} .`);
    out.push('');
    // Mentions sharing a span are one phrase in NIF: their ids are merged.
    const bySpan = new Map<string, { start: number; end: number; text: string; ids: string[] }>();
    for (const m of doc.mentions) {
      const key = `${m.start}:${m.end}`;
      const entry = bySpan.get(key) ?? { start: m.start, end: m.end, text: m.text, ids: [] };
      if (!m.nil) for (const id of m.goldIds) if (!entry.ids.includes(id)) entry.ids.push(id);
      bySpan.set(key, entry);
    }
    for (const p of bySpan.values()) {
      const b = cp(p.start);
      const e = cp(p.end);
      out.push(`<${iriText(`${base}#char=${b},${e}`)}> a nif:Phrase , nif:String ;`);
      out.push(`    nif:referenceContext <${iriText(context)}> ;`);
      out.push(`    nif:beginIndex "${b}"^^xsd:nonNegativeInteger ;`);
      out.push(`    nif:endIndex "${e}"^^xsd:nonNegativeInteger ;`);
      const refs = p.ids.map((id) => `<${iriText(IRI.test(id) ? id : `${entityBase}${encodeURIComponent(id)}`)}>`);
      out.push(`    nif:anchorOf ${literal(p.text)}${refs.length === 0 ? ' .' : ' ;'}`);
      if (refs.length > 0) out.push(`    itsrdf:taIdentRef ${refs.join(' , ')} .`);
      out.push('');
    }
  }
  return out.join('\n');
}

function literal(s: string): string {
  return `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n').replace(/\r/g, '\\r').replace(/\t/g, '\\t')}"`;
}

/** Escapes the characters an IRIREF may not hold (Turtle forbids them even inside <>). */
function iriText(iri: string): string {
  return iri.replace(/[\u0000-\u0020<>"{}|^`\\]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
