import type { AgreementRow, AgreementSummary } from '../src/shared/panelModel';
import type { Bridge } from './bridge';
import { fixed, h } from './dom';
import { PagedTable } from './pagedTable';
import { button } from './toolkit/toolkit';

/** A figure that may be undefined (null: e.g. kappa where all labels are the same) reads as "–". */
function stat(x: number | null): string {
  return fixed(x ?? undefined);
}

/** The same figure for a screen reader: "–" would be read as a dash. */
function spoken(x: number | null): string {
  return x === null || !Number.isFinite(x) ? 'undefined' : fixed(x);
}

function plural(n: number, one: string, many: string): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** A row's accessible name: the figures in words, since a screen reader reads "κ" and "α" as letters. */
function rowLabel(r: AgreementRow): string {
  return `${r.document}: ${plural(r.annotators, 'annotator', 'annotators')}, span F1 ${spoken(r.spanF1)}, span kappa ${spoken(r.spanKappa)}, span alpha ${spoken(r.spanAlpha)}, `
    + `${r.agreed} of ${plural(r.sharedSpans, 'shared span', 'shared spans')} with the same entity, entity kappa ${spoken(r.entityKappa)}, entity alpha ${spoken(r.entityAlpha)}, ${r.open} open`;
}

/**
 * The corpus view's Agreement tab: inter-annotator agreement per document and overall (src/core/agreement:
 * span F1, kappa and alpha on exact spans; entity kappa and alpha on the spans two annotators marked), the
 * open disagreements, and a button that starts Curate Disagreements.
 */
export function agreementSection(a: AgreementSummary, bridge: Bridge): { element: HTMLElement; table: PagedTable<AgreementRow> } {
  // The columns a curator reads first come first: in a narrow panel the rest scroll in from the right.
  const table = new PagedTable<AgreementRow>({
    caption: 'Inter-annotator agreement per document', testId: 'agreement', pageSize: 50, rowLabel,
    // The pooled figures stay the first row whatever the sort: they are what the documents are read against.
    pinned: (r) => r === a.overall,
    columns: [
      { title: 'Document', cell: (r) => (r === a.overall ? h('strong', {}, r.document) : r.document), text: (r) => r.document },
      { title: 'Open', cell: (r) => r.open, text: (r) => String(r.open), sortKey: (r) => r.open, numeric: true },
      { title: 'Span F1', cell: (r) => stat(r.spanF1), text: (r) => stat(r.spanF1), sortKey: (r) => r.spanF1 ?? -Infinity, numeric: true },
      { title: 'Entity κ', cell: (r) => stat(r.entityKappa), text: (r) => stat(r.entityKappa), sortKey: (r) => r.entityKappa ?? -Infinity, numeric: true },
      { title: 'Span κ', cell: (r) => stat(r.spanKappa), text: (r) => stat(r.spanKappa), sortKey: (r) => r.spanKappa ?? -Infinity, numeric: true },
      { title: 'Span α', cell: (r) => stat(r.spanAlpha), text: (r) => stat(r.spanAlpha), sortKey: (r) => r.spanAlpha ?? -Infinity, numeric: true },
      { title: 'Entity α', cell: (r) => stat(r.entityAlpha), text: (r) => stat(r.entityAlpha), sortKey: (r) => r.entityAlpha ?? -Infinity, numeric: true },
      { title: 'Shared spans', cell: (r) => r.sharedSpans, text: (r) => String(r.sharedSpans), sortKey: (r) => r.sharedSpans, numeric: true },
      { title: 'Same entity', cell: (r) => r.agreed, text: (r) => String(r.agreed), sortKey: (r) => r.agreed, numeric: true },
      { title: 'Annotators', cell: (r) => r.annotators, text: (r) => String(r.annotators), sortKey: (r) => r.annotators, numeric: true },
    ],
  });
  table.setRows([a.overall, ...a.documents]);
  const o = a.overall;
  const element = h('div', {},
    h('h2', {}, 'Inter-annotator agreement'),
    h('p', { class: 'muted' }, `${a.annotators.join(', ')}. Spans: exact match; κ and α use rejected suggestions as the negatives. Entities: on spans at least two annotators marked, NIL a category; κ is the mean over annotator pairs. Overall pools every document's spans. ${plural(o.open, 'disagreement', 'disagreements')} not curated yet.`),
    h('div', { class: 'filter-bar' }, button('Curate Disagreements', () => void bridge.request('curate', {}), { testId: 'curate', title: 'Pick a label for each disagreement by keyboard (Entity Linker: Curate Disagreements)' })),
    table.element,
  );
  return { element, table };
}
