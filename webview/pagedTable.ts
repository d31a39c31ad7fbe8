import { clear, h, type Child } from './dom';
import { orderRows } from './tableOrder';
import { plural } from '../src/shared/plural';

export interface Column<T> {
  readonly title: string;
  /** What the cell shows (text or nodes built with dom.ts). */
  readonly cell: (row: T) => Child;
  /** The cell as plain text (copy, sort). */
  readonly text: (row: T) => string;
  /** Sort key when it is not the text. */
  readonly sortKey?: (row: T) => number | string;
  readonly numeric?: boolean;
}

export interface PagedTableOptions<T> {
  readonly caption: string;
  readonly columns: readonly Column<T>[];
  readonly pageSize?: number;
  /** Enter or a double click on a row (rows are focusable; ArrowUp/ArrowDown move between them). */
  readonly onActivate?: (row: T) => void;
  readonly page?: number;
  readonly onPage?: (page: number) => void;
  readonly rowLabel?: (row: T) => string;
  readonly testId?: string;
  /** Rows kept first whatever the sort and shown above every page (a summary row such as "overall"). */
  readonly pinned?: (row: T) => boolean;
}

/**
 * A table that renders one page of rows at a time (so 10,000 rows cost one page of DOM), sorts by a column
 * when its header button is pressed, and can be used from the keyboard alone.
 */
export class PagedTable<T> {
  readonly element: HTMLElement;
  private rows: readonly T[] = [];
  private page: number;
  private sortColumn = -1;
  private sortDescending = false;
  private readonly body: HTMLTableSectionElement;
  private readonly pager: HTMLElement;
  private readonly headerButtons: HTMLButtonElement[] = [];

  constructor(private readonly options: PagedTableOptions<T>) {
    this.page = options.page ?? 0;
    this.body = h('tbody');
    const head = h('tr', {}, ...options.columns.map((c, i) => {
      const b = h('button', { class: 'sort', attrs: { type: 'button' }, on: { click: () => this.sortBy(i) } }, c.title);
      this.headerButtons.push(b);
      return h('th', { class: c.numeric === true ? 'num' : undefined, attrs: { scope: 'col' } }, b);
    }));
    this.pager = h('div', { class: 'pager', attrs: { role: 'navigation', 'aria-label': `${options.caption}: pages` } });
    const table = h('table', { class: 'grid', attrs: options.testId === undefined ? {} : { 'data-table': options.testId } }, h('caption', { class: 'visually-hidden' }, options.caption), h('thead', {}, head), this.body);
    this.element = h('div', { class: 'table-wrap' }, table, this.pager);
  }

  get pageSize(): number {
    return this.options.pageSize ?? 50;
  }

  setRows(rows: readonly T[], keepPage = false): void {
    this.rows = rows;
    if (!keepPage) this.page = 0;
    this.applySort();
    this.render();
  }

  /** Rows in their shown order (all pages). */
  get shownRows(): readonly T[] {
    return this.rows;
  }

  /** Every row as text, in shown order (the host's "Copy Table"). */
  snapshot(): { columns: string[]; rows: string[][] } {
    return { columns: this.options.columns.map((c) => c.title), rows: this.rows.map((r) => this.options.columns.map((c) => c.text(r))) };
  }

  private sortBy(column: number): void {
    this.sortDescending = this.sortColumn === column ? !this.sortDescending : this.options.columns[column].numeric === true;
    this.sortColumn = column;
    this.applySort();
    this.page = 0;
    this.render();
    this.headerButtons[column]?.focus();
  }

  private applySort(): void {
    const c = this.sortColumn < 0 ? undefined : this.options.columns[this.sortColumn];
    this.rows = orderRows(this.rows, c === undefined ? undefined : { key: c.sortKey ?? c.text, descending: this.sortDescending }, this.options.pinned);
  }

  private render(): void {
    const pinned = this.options.pinned;
    const top = pinned === undefined ? [] : this.rows.filter(pinned);
    const paged = pinned === undefined ? this.rows : this.rows.filter((r) => !pinned(r));
    const pages = Math.max(1, Math.ceil(paged.length / this.pageSize));
    this.page = Math.min(Math.max(0, this.page), pages - 1);
    this.headerButtons.forEach((b, i) => {
      const th = b.parentElement;
      th?.setAttribute('aria-sort', i === this.sortColumn ? (this.sortDescending ? 'descending' : 'ascending') : 'none');
    });
    clear(this.body);
    const from = this.page * this.pageSize;
    const slice = [...top, ...paged.slice(from, from + this.pageSize)];
    if (slice.length === 0) {
      this.body.appendChild(h('tr', {}, h('td', { class: 'muted', attrs: { colspan: String(this.options.columns.length) } }, 'Nothing to show.')));
    }
    for (const row of slice) {
      const tr = h('tr', {
        attrs: { tabindex: '0', ...(this.options.rowLabel === undefined ? {} : { 'aria-label': this.options.rowLabel(row) }) },
        on: {
          keydown: (e) => this.onRowKey(e, tr, row),
          dblclick: () => this.options.onActivate?.(row),
        },
      }, ...this.options.columns.map((c) => h('td', { class: c.numeric === true ? 'num' : undefined }, c.cell(row))));
      this.body.appendChild(tr);
    }
    clear(this.pager);
    if (pages > 1) {
      const go = (p: number) => () => {
        this.page = p;
        this.options.onPage?.(p);
        this.render();
      };
      this.pager.append(
        h('button', { attrs: { type: 'button', ...(this.page === 0 ? { disabled: '' } : {}) }, on: { click: go(this.page - 1) } }, '‹ Previous'),
        h('span', { attrs: { 'aria-live': 'polite' } }, ` Page ${this.page + 1} of ${pages} (${plural(this.rows.length, 'row')}) `),
        h('button', { attrs: { type: 'button', ...(this.page >= pages - 1 ? { disabled: '' } : {}) }, on: { click: go(this.page + 1) } }, 'Next ›'),
      );
    } else {
      this.pager.append(h('span', { class: 'muted' }, plural(this.rows.length, 'row')));
    }
  }

  private onRowKey(e: KeyboardEvent, tr: HTMLTableRowElement, row: T): void {
    if (e.target !== tr) return;
    if (e.key === 'Enter') {
      e.preventDefault();
      this.options.onActivate?.(row);
    } else if (e.key === 'ArrowDown' || e.key === 'ArrowUp') {
      e.preventDefault();
      const next = (e.key === 'ArrowDown' ? tr.nextElementSibling : tr.previousElementSibling) as HTMLElement | null;
      next?.focus();
    }
  }
}

