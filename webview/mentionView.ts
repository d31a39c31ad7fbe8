import type { CandidateRow, EntityRecordData, MentionViewData, SignalData } from '../src/shared/panelModel';
import type { TableSnapshot } from '../src/shared/protocol';
import type { Bridge } from './bridge';
import { clear, fixed, h, percent } from './dom';
import { PagedTable } from './pagedTable';
import { button, tag } from './toolkit/toolkit';

/** Why a candidate is in the set, in words: which retriever found it and the signal it brought. */
export function signalText(s: SignalData): string {
  const parts: string[] = [];
  if (s.retrievedBy.includes('lexical') || s.exactName === true) {
    parts.push(s.exactName === true ? 'exact name/alias match' : `name/alias match ${fixed(s.lexical, 2)}`);
  }
  if (s.retrievedBy.includes('dense')) parts.push(`dense similarity ${fixed(s.dense, 2)}`);
  if (s.retrievedBy.includes('given')) parts.push('given candidate');
  return parts.join(' + ') || 'scored only';
}

const STATUS_TEXT: Record<MentionViewData['status'], string> = {
  accepted: 'accepted',
  nil: 'NIL',
  suggested: 'suggested',
  rejected: 'rejected',
  needsReview: 'needs review',
  unlabelled: 'not stored: the model’s choice',
};

/** Renders the mention view into `root`; returns the table snapshot function and the shown candidate ids. */
export function renderMention(root: HTMLElement, d: MentionViewData, bridge: Bridge, status: (text: string) => void): { table: () => TableSnapshot; candidateIds: string[] } {
  clear(root);
  const act = (what: string, run: () => Promise<unknown>) => () => {
    status(`${what}…`);
    run().then(() => status(`${what}: done.`), (e: unknown) => status(`${what} failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  const ref = d.ref;

  const context = h('p', { class: 'context', attrs: { 'data-testid': 'context' } }, h('span', { class: 'muted' }, d.before), h('mark', {}, d.text), h('span', { class: 'muted' }, d.after));
  const header = h('header', { class: 'mention-head' },
    h('h1', {}, d.text),
    h('div', { class: 'where' }, d.document, ' ', button('Show in Editor', act('Revealing', () => bridge.request('reveal', { ref })), { title: 'Show the mention in its editor', testId: 'reveal' })),
    context,
  );

  const labelBox = h('section', { class: 'label', attrs: { 'aria-label': 'Label', 'data-testid': 'label' } },
    h('h2', {}, 'Label'),
    h('div', { class: 'label-line' },
      tag(STATUS_TEXT[d.status], `status-${d.status}`),
      ' ',
      d.labelId === null ? h('strong', {}, 'NIL (no entity of the KB)') : h('strong', { attrs: { 'data-testid': 'label-title' } }, d.labelTitle ?? d.labelId),
      d.labelId === null ? null : h('span', { class: 'muted' }, ` ${d.labelId}`),
    ),
    d.labelId === null ? null : d.label === undefined
      ? h('p', { class: 'warn' }, 'The current model did not retrieve the label: every candidate below outranks it.')
      : h('p', {}, `Score ${fixed(d.label.score)} · probability ${percent(d.label.probability)} · rank ${d.label.rank}`, d.predictedId !== null && d.predictedId !== d.labelId ? h('span', { class: 'warn' }, ' · the model prefers another entity') : null),
    h('div', { class: 'actions' },
      d.labelId === null ? null : button('Label’s KB Record', () => void showRecord(d.labelId as string, bridge, status), { title: 'Open the label’s full KB record', testId: 'label-record' }),
      d.status === 'nil' ? null : button('Mark NIL', act('Marking NIL', () => bridge.request('markNil', { ref })), { title: 'The mention refers to no entity of the KB', testId: 'mark-nil' }),
      button('Refresh', act('Refreshing', () => bridge.request('refresh', {})), { testId: 'refresh' }),
    ),
    d.duplicateIds.length === 0 ? null : h('p', { class: 'muted' }, `Declared duplicates of the label (never negatives): ${d.duplicateIds.join(', ')}`),
  );

  const canDuplicate = d.labelId !== null && d.status !== 'unlabelled';
  const actions = (c: CandidateRow) => h('div', { class: 'row-actions' },
    button('Relabel', act(`Relabelling to ${c.title}`, () => bridge.request('relabel', { ref, kbId: c.id })), { appearance: 'primary', title: `Relabel the mention to ${c.title}`, testId: 'relabel' }),
    canDuplicate ? button('Duplicate', act(`Declaring ${c.title} a duplicate`, () => bridge.request('declareDuplicate', { ref, entityId: c.id })), { title: `${c.title} is the same entity as the label: never a negative`, testId: 'duplicate' }) : null,
    button('Record', () => void showRecord(c.id, bridge, status), { title: `Open the KB record of ${c.title}`, testId: 'record' }),
  );
  const table = new PagedTable<CandidateRow>({
    caption: 'Hardest negatives',
    testId: 'negatives',
    pageSize: 50,
    rowLabel: (c) => `${c.title}, score ${fixed(c.score)}`,
    onActivate: (c) => void showRecord(c.id, bridge, status),
    columns: [
      { title: 'Rank', cell: (c) => c.rank, text: (c) => String(c.rank), sortKey: (c) => c.rank, numeric: true },
      // The actions sit under the title, so they stay in view in a narrow panel.
      { title: 'Entity', cell: (c) => h('div', { class: 'entity-cell' }, h('strong', { class: 'title' }, c.title), ' ', h('span', { class: 'muted id' }, c.id), actions(c)), text: (c) => `${c.title} (${c.id})` },
      { title: 'Type', cell: (c) => c.type ?? '', text: (c) => c.type ?? '' },
      { title: 'Description', cell: (c) => h('span', { class: 'desc' }, c.description), text: (c) => c.description },
      { title: 'Score', cell: (c) => fixed(c.score), text: (c) => fixed(c.score), sortKey: (c) => c.score, numeric: true },
      { title: 'Probability', cell: (c) => percent(c.probability), text: (c) => percent(c.probability), sortKey: (c) => c.probability, numeric: true },
      { title: 'Margin to label', cell: (c) => h('span', { class: c.marginToLabel !== undefined && c.marginToLabel < 0 ? 'bad' : undefined }, fixed(c.marginToLabel)), text: (c) => fixed(c.marginToLabel), sortKey: (c) => c.marginToLabel ?? -Infinity, numeric: true },
      { title: 'Why here', cell: (c) => signalText(c.signals), text: (c) => signalText(c.signals) },
    ],
  });
  table.setRows(d.negatives);
  const negatives = h('section', { class: 'negatives', attrs: { 'aria-label': 'Hardest negatives' } },
    h('h2', {}, `Hardest negatives (${d.negatives.length})`),
    d.negatives.length === 0 ? h('p', { class: 'muted' }, 'The model found no other candidate for this mention.') : table.element,
  );
  root.append(header, labelBox, negatives);
  return { table: () => ({ view: 'mention', ...table.snapshot() }), candidateIds: d.negatives.map((c) => c.id) };
}

/** The full KB record in a modal dialog (Escape closes it and focus goes back where it was). */
async function showRecord(id: string, bridge: Bridge, status: (text: string) => void): Promise<void> {
  let record: EntityRecordData | null;
  try {
    record = await bridge.request('entity', { id });
  } catch (e) {
    status(`Could not read the record of ${id}: ${e instanceof Error ? e.message : String(e)}`);
    return;
  }
  const returnFocus = document.activeElement instanceof HTMLElement ? document.activeElement : undefined;
  const close = h('button', { attrs: { type: 'button', 'data-action': 'close-record' } }, 'Close');
  const dialog = h('dialog', { class: 'record', attrs: { 'aria-label': `KB record ${id}`, 'data-testid': 'record' } },
    record === null
      ? h('p', {}, `${id} is not in the knowledge base.`)
      : h('div', {},
        h('h2', {}, record.title),
        h('dl', {},
          h('dt', {}, 'Id'), h('dd', {}, record.id),
          record.type === undefined ? null : h('dt', {}, 'Type'), record.type === undefined ? null : h('dd', {}, record.type),
          h('dt', {}, 'Aliases'), h('dd', {}, record.aliases.length === 0 ? '–' : record.aliases.join(' · ')),
          h('dt', {}, 'Description'), h('dd', { class: 'desc' }, record.text || '–'),
          record.source === undefined ? null : h('dt', {}, 'Source'), record.source === undefined ? null : h('dd', {}, record.source),
        ),
      ),
    h('div', { class: 'actions' }, close),
  );
  close.addEventListener('click', () => dialog.close());
  dialog.addEventListener('close', () => {
    dialog.remove();
    returnFocus?.focus();
  });
  document.body.appendChild(dialog);
  dialog.showModal();
  close.focus();
}
