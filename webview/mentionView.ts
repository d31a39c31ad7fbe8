import type { CandidateRow, EntityRecordData, MentionViewData, SignalData } from '../src/shared/panelModel';
import type { TableSnapshot } from '../src/shared/protocol';
import type { Bridge } from './bridge';
import { clear, fixed, h, percent } from './dom';
import { tag } from './toolkit/toolkit';

/**
 * Why a candidate is in the set, in words: the closest name with the tokens it shares and its measured 3-gram
 * similarity, then which retrievers found it and with what.
 */
export function signalText(s: SignalData, nameMatch?: CandidateRow['nameMatch']): string {
  const parts: string[] = [];
  if (nameMatch !== undefined) {
    const shared = nameMatch.tokens.length === 0 ? 'no whole word shared' : `shares ${nameMatch.tokens.map((t) => `“${t}”`).join(', ')}`;
    parts.push(`${nameMatch.kind} “${nameMatch.name}”: ${shared}, 3-gram similarity ${fixed(nameMatch.similarity, 2)}`);
  } else if (s.exactName === true) {
    parts.push('exact name/alias match');
  }
  const found: string[] = [];
  if (s.retrievedBy.includes('dense')) found.push(`dense similarity ${fixed(s.dense, 2)}`);
  if (s.retrievedBy.includes('lexical')) found.push(`name search${s.lexical === undefined ? '' : ` ${fixed(s.lexical, 2)}`}`);
  if (s.retrievedBy.includes('ngram')) found.push('n-gram search');
  if (s.retrievedBy.includes('given')) found.push('given candidate');
  if (found.length > 0) parts.push(`found by ${found.join(' + ')}`);
  return parts.join('; ') || 'scored only';
}

const STATUS_TEXT: Record<MentionViewData['status'], string> = {
  accepted: 'accepted',
  nil: 'NIL',
  suggested: 'suggested',
  rejected: 'rejected',
  needsReview: 'needs review',
  unlabelled: 'not stored: the model’s choice',
};

/**
 * Where focus goes after the view is drawn again (an action re-renders it): the negative at the same position
 * (the relabelled one has left the list, so its successor takes its place) or the same label button. Module
 * state, because each render builds the view from scratch.
 */
let focusAfterRender: { readonly row: number } | { readonly action: string } | undefined;
/** Negatives shown expanded (by id), kept across renders of the same mention. */
const expanded = new Set<string>();
let shownMention = '';

/** An icon button with a tooltip and an accessible name (a glyph alone is no name). */
function iconButton(glyph: string, name: string, onClick: () => void, action: string, shortcut?: string): HTMLButtonElement {
  const title = shortcut === undefined ? name : `${name} (${shortcut})`;
  return h('button', { class: 'icon', attrs: { type: 'button', title, 'aria-label': name, 'data-action': action, ...(shortcut === undefined ? {} : { 'aria-keyshortcuts': shortcut }) }, on: { click: (e) => { e.stopPropagation(); onClick(); } } }, glyph);
}

/** Label score minus this one as a small bar around a zero line: right (green) the label leads, left (red) it trails. */
function marginBar(margin: number | undefined, scale: number): HTMLElement {
  if (margin === undefined) return h('span', { class: 'muted', attrs: { title: 'No margin: the label is NIL or was not retrieved' } }, '–');
  const width = Math.min(50, (50 * Math.abs(margin)) / scale);
  const bar = h('span', { class: `bar ${margin < 0 ? 'behind' : 'ahead'}` });
  // Geometry through the CSSOM: the CSP blocks style attributes, not style properties set from script.
  bar.style.width = `${width}%`;
  bar.style.left = margin < 0 ? `${50 - width}%` : '50%';
  return h('span', { class: 'margin', attrs: { title: `Margin to the label: ${fixed(margin)} (${margin < 0 ? 'the model prefers this negative' : 'the label leads'})` } },
    h('span', { class: 'track', attrs: { 'aria-hidden': 'true' } }, h('span', { class: 'zero' }), bar),
    h('span', { class: margin < 0 ? 'num bad' : 'num' }, fixed(margin, 2)),
  );
}

/** Where focus is inside the view now, as a place the next render can find again (undefined: not inside). */
function focusNow(root: HTMLElement): typeof focusAfterRender {
  const active = document.activeElement;
  if (!(active instanceof HTMLElement) || !root.contains(active)) return undefined;
  const row = active.closest('tr.neg');
  if (row !== null) return { row: [...root.querySelectorAll('tr.neg')].indexOf(row) };
  const action = active.closest('[data-action]')?.getAttribute('data-action');
  return action === null || action === undefined ? undefined : { action };
}

/** Renders the mention view into `root`; returns the table snapshot function and the shown candidate ids. */
export function renderMention(root: HTMLElement, d: MentionViewData, bridge: Bridge, status: (text: string) => void): { table: () => TableSnapshot; candidateIds: string[] } {
  // A render replaces every element: focus must come back to the same place, or a keyboard user starts over
  // from the top (an action's own target wins; a refresh from elsewhere keeps what had focus).
  focusAfterRender ??= focusNow(root);
  clear(root);
  const mentionKey = `${d.ref.uri}#${d.ref.start}`;
  if (mentionKey !== shownMention) {
    expanded.clear();
    shownMention = mentionKey;
  }
  const act = (what: string, run: () => Promise<unknown>, focus: typeof focusAfterRender) => () => {
    status(`${what}…`);
    focusAfterRender = focus;
    run().then(() => status(`${what}: done.`), (e: unknown) => status(`${what} failed: ${e instanceof Error ? e.message : String(e)}`));
  };
  const ref = d.ref;

  const context = h('p', { class: 'context', attrs: { 'data-testid': 'context' } }, h('span', { class: 'muted' }, d.before), h('mark', {}, d.text), h('span', { class: 'muted' }, d.after));
  const header = h('header', { class: 'mention-head' },
    h('div', { class: 'title-line' },
      h('h1', {}, d.text),
      h('span', { class: 'muted doc', attrs: { title: d.document } }, d.document),
      iconButton('↗', 'Show in editor', act('Revealing', () => bridge.request('reveal', { ref }), undefined), 'reveal', 'S'),
    ),
    context,
  );

  const labelRecord = d.labelId === null ? null : iconButton('⋯', 'Label’s KB record', () => void showRecord(d.labelId as string, bridge, status), 'label-record');
  const labelBox = h('section', { class: 'label', attrs: { 'aria-label': 'Label', 'data-testid': 'label' } },
    h('div', { class: 'label-line' },
      tag(STATUS_TEXT[d.status], `status-${d.status}`),
      d.labelId === null ? h('strong', {}, 'NIL (no entity of the KB)') : h('strong', { class: 'title', attrs: { 'data-testid': 'label-title' } }, d.labelTitle ?? d.labelId),
      d.labelId === null ? null : h('span', { class: 'muted id' }, d.labelId),
      h('span', { class: 'spacer' }),
      labelRecord,
      d.status === 'nil' ? null : iconButton('∅', 'Mark NIL', act('Marking NIL', () => bridge.request('markNil', { ref }), { action: 'mark-nil' }), 'mark-nil', 'N'),
      iconButton('⟳', 'Refresh', act('Refreshing', () => bridge.request('refresh', {}), { action: 'refresh' }), 'refresh'),
    ),
    d.labelId === null ? null : d.label === undefined
      ? h('p', { class: 'warn' }, 'The current model did not retrieve the label: every candidate below outranks it.')
      : h('p', { class: 'figures' }, `score ${fixed(d.label.score, 2)} · p ${percent(d.label.probability)} · rank ${d.label.rank}`, d.predictedId !== null && d.predictedId !== d.labelId ? h('span', { class: 'warn' }, ' · the model prefers another entity') : null),
    d.duplicateIds.length === 0 ? null : h('p', { class: 'muted' }, `Declared duplicates of the label (never negatives): ${d.duplicateIds.join(', ')}`),
  );

  const canDuplicate = d.labelId !== null && d.status !== 'unlabelled';
  const scale = Math.max(1e-6, ...d.negatives.map((c) => Math.abs(c.marginToLabel ?? 0)));
  const rows: HTMLTableRowElement[] = [];
  const relabel = (c: CandidateRow, i: number) => act(`Relabelling to ${c.title}`, () => bridge.request('relabel', { ref, kbId: c.id }), { row: i });
  const duplicate = (c: CandidateRow, i: number) => act(`Declaring ${c.title} a duplicate of the label`, () => bridge.request('declareDuplicate', { ref, entityId: c.id }), { row: i });
  const toggle = (c: CandidateRow, tr: HTMLTableRowElement) => {
    if (expanded.has(c.id)) expanded.delete(c.id);
    else expanded.add(c.id);
    tr.classList.toggle('expanded', expanded.has(c.id));
    tr.setAttribute('aria-expanded', String(expanded.has(c.id)));
  };
  const body = h('tbody');
  d.negatives.forEach((c, i) => {
    const key = i < 9 ? String(i + 1) : undefined;
    const why = signalText(c.signals, c.nameMatch);
    const tr = h('tr', {
      class: expanded.has(c.id) ? 'neg expanded' : 'neg',
      attrs: {
        tabindex: '0',
        'data-id': c.id,
        'aria-expanded': String(expanded.has(c.id)),
        'aria-label': `${i + 1}. ${c.title}${c.type === undefined ? '' : `, ${c.type}`}, probability ${percent(c.probability)}, margin ${fixed(c.marginToLabel, 2)}`,
      },
      on: {
        keydown: (e) => onRowKey(e, c, i),
        click: (e) => {
          if ((e.target as HTMLElement).closest('button') === null) toggle(c, tr);
        },
      },
    },
      h('td', { class: 'rank num' }, key === undefined ? String(c.rank) : h('kbd', { attrs: { title: `Press ${key} to relabel to this entity` } }, key)),
      h('td', { class: 'entity' },
        h('div', { class: 'line' }, h('strong', { class: 'title', attrs: { title: c.title } }, c.title), c.type === undefined ? null : h('span', { class: 'type' }, c.type), h('span', { class: 'muted id' }, c.id)),
        h('div', { class: 'desc', attrs: { title: c.description } }, c.description === '' ? '(no description)' : c.description),
        h('div', { class: 'why' }, h('span', { class: 'muted' }, 'Why here: '), why),
      ),
      h('td', { class: 'prob num', attrs: { title: `score ${fixed(c.score)} · probability ${percent(c.probability)}` } }, h('div', {}, percent(c.probability)), h('div', { class: 'muted' }, fixed(c.score, 2))),
      h('td', { class: 'margin-cell' }, marginBar(c.marginToLabel, scale)),
      h('td', { class: 'row-actions' },
        iconButton('✓', `Relabel to ${c.title}`, relabel(c, i), 'relabel', key),
        canDuplicate ? iconButton('≡', `${c.title} is the same entity as the label (never a negative)`, duplicate(c, i), 'duplicate', 'D') : null,
        iconButton('⋯', `KB record of ${c.title}`, () => void showRecord(c.id, bridge, status), 'record', 'R'),
      ),
    );
    rows.push(tr);
    body.appendChild(tr);
  });

  function onRowKey(e: KeyboardEvent, c: CandidateRow, i: number): void {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const tr = rows[i];
    const k = e.key.toLowerCase();
    if (e.target !== tr && (k === 'enter' || k === ' ')) return;
    if (k === 'enter' || k === ' ') toggle(c, tr);
    else if (k === 'arrowdown' || k === 'arrowup') rows[i + (k === 'arrowdown' ? 1 : -1)]?.focus();
    else if (k === 'home') rows[0]?.focus();
    else if (k === 'end') rows[rows.length - 1]?.focus();
    else if (k === 'd' && canDuplicate) duplicate(c, i)();
    else if (k === 'r') void showRecord(c.id, bridge, status);
    else return;
    e.preventDefault();
  }

  const hint = h('p', { class: 'muted keys', attrs: { id: 'negatives-keys' } }, 'Keys: 1–9 relabel · ↑↓ move · Enter expand · D duplicate · R record · N NIL · S show in editor');
  const table = h('table', { class: 'negs', attrs: { 'data-table': 'negatives', 'aria-describedby': 'negatives-keys' } },
    h('caption', { class: 'visually-hidden' }, 'Hardest negatives'),
    // With a fixed layout the columns take these widths (the header row is hidden, so it cannot set them).
    h('colgroup', {}, ...['rank', 'entity', 'prob', 'margin-cell', 'row-actions'].map((c) => h('col', { class: `col-${c}` }))),
    h('thead', { class: 'visually-hidden' }, h('tr', {}, ...['Key', 'Entity', 'Probability and score', 'Margin to label', 'Actions'].map((t) => h('th', { attrs: { scope: 'col' } }, t)))),
    body,
  );
  const negatives = h('section', { class: 'negatives', attrs: { 'aria-label': 'Hardest negatives' } },
    h('h2', {}, `Hardest negatives (${d.negatives.length})`),
    d.negatives.length === 0 ? h('p', { class: 'muted' }, 'The model found no other candidate for this mention.') : h('div', {}, hint, table),
  );
  root.append(header, labelBox, negatives);

  // Panel-wide keys (wherever focus is in the panel): 1-9 relabel to that negative, N marks NIL, S shows the
  // mention in the editor. One handler per page, replaced on each render.
  document.onkeydown = (e: KeyboardEvent) => {
    if (e.defaultPrevented || e.altKey || e.ctrlKey || e.metaKey || document.querySelector('dialog[open]') !== null) return;
    const n = Number(e.key);
    if (Number.isInteger(n) && n >= 1 && n <= Math.min(9, d.negatives.length)) relabel(d.negatives[n - 1], n - 1)();
    else if (e.key.toLowerCase() === 'n' && d.status !== 'nil') act('Marking NIL', () => bridge.request('markNil', { ref }), { action: 'mark-nil' })();
    else if (e.key.toLowerCase() === 's') act('Revealing', () => bridge.request('reveal', { ref }), undefined)();
    else return;
    e.preventDefault();
  };

  restoreFocus(root, rows);
  const snapshot = (): TableSnapshot => ({
    view: 'mention',
    columns: ['Rank', 'Entity', 'Type', 'Description', 'Score', 'Probability', 'Margin to label', 'Why here'],
    rows: d.negatives.map((c) => [String(c.rank), `${c.title} (${c.id})`, c.type ?? '', c.description, fixed(c.score), percent(c.probability), fixed(c.marginToLabel), signalText(c.signals, c.nameMatch)]),
  });
  return { table: snapshot, candidateIds: d.negatives.map((c) => c.id) };
}

/** After an action re-rendered the view: focus the row at the same position, or the same label button. */
function restoreFocus(root: HTMLElement, rows: readonly HTMLTableRowElement[]): void {
  const target = focusAfterRender;
  focusAfterRender = undefined;
  if (target === undefined) return;
  const element = 'row' in target ? rows[Math.min(target.row, rows.length - 1)] : root.querySelector<HTMLElement>(`[data-action="${target.action}"]`);
  (element ?? root.querySelector<HTMLElement>('[data-action="refresh"]'))?.focus();
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
          h('dt', {}, 'Description'), h('dd', { class: 'full' }, record.text || '–'),
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
