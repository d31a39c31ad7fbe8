import type { AmbiguousForm, ConfusedPair, CorpusMentionRow, CorpusReport, DocumentAccuracy, MentionRefData } from '../src/shared/panelModel';
import type { PanelState, TableSnapshot } from '../src/shared/protocol';
import type { Bridge } from './bridge';
import { agreementSection } from './agreementTable';
import { BarChart } from './charts';
import { clear, fixed, h, percent } from './dom';
import { PagedTable } from './pagedTable';
import { button, checkbox, selectTab, tabs } from './toolkit/toolkit';
import { plural } from '../src/shared/plural';

type CorpusUi = NonNullable<PanelState['ui']>;

interface Filter {
  readonly label: string;
  readonly mentions: readonly number[];
}

function refOf(m: CorpusMentionRow): MentionRefData {
  return { uri: m.uri, start: m.start, end: m.end, annotationId: m.annotationId };
}

function entityText(id: string | null, title?: string): string {
  return id === null ? 'NIL' : title === undefined ? id : `${title} (${id})`;
}

/**
 * The corpus view: headline figures, the margin histogram, recall@k and per-document accuracy as charts (a
 * bar click filters the mentions table), and tables of confused pairs, ambiguous forms, documents and mentions.
 */
export class CorpusView {
  private charts: BarChart[] = [];
  private tabsElement: HTMLElement | undefined;
  private mentionsTable: PagedTable<CorpusMentionRow> | undefined;
  private filter: Filter | undefined;
  private wrongOnly = false;
  private filterLine: HTMLElement | undefined;
  private tables: Record<string, () => { columns: string[]; rows: string[][] }> = {};

  constructor(private readonly root: HTMLElement, private readonly bridge: Bridge, private ui: CorpusUi, private readonly saveUi: (ui: CorpusUi) => void, private readonly status: (text: string) => void) {}

  render(r: CorpusReport): number {
    this.destroy();
    clear(this.root);
    const open = (m: CorpusMentionRow) => {
      this.status(`Showing ${m.text} in ${m.document}…`);
      this.bridge.request('reveal', { ref: refOf(m) }).then(() => this.status(''), (e: unknown) => this.status(`Could not show the mention: ${String(e)}`));
    };
    const head = h('header', { class: 'corpus-head' }, h('h1', {}, 'Corpus analysis'), button('Refresh', () => void this.bridge.request('refresh', {}), { testId: 'refresh', title: 'Rank the labelled mentions again with the current model' }));
    const summary = h('section', { class: 'summary', attrs: { 'aria-label': 'Summary', 'data-testid': 'summary' } },
      figure('Accuracy', percent(r.accuracy), `${r.correct} of ${plural(r.total, 'label')}`),
      ...r.recallAtK.map((x) => figure(`Recall@${x.k}`, percent(x.recall), `over ${r.linked} KB labels`)),
      figure('NIL labels', String(r.nilLabels), ''),
      figure('Label not retrieved', String(r.margins.notRetrieved), 'no margin'),
      ...(r.agreement === undefined ? [] : [
        figure('Entity κ', fixed(r.agreement.overall.entityKappa ?? undefined), `${plural(r.agreement.annotators.length, 'annotator')}, ${plural(r.agreement.overall.sharedSpans, 'shared span')}`),
        figure('Span F1', fixed(r.agreement.overall.spanF1 ?? undefined), `${plural(r.agreement.overall.open, 'disagreement')} open`),
      ]),
    );

    // Margin histogram: bins are (from, to] (the first closed), so the bars ending at or below 0 (red) are exactly
    // the mentions the model does not get right, a tie (margin 0) included.
    const bins = r.margins.bins;
    const binLabel = (i: number) => `${fixed(bins[i].from, 2)} … ${fixed(bins[i].to, 2)}`;
    const showBin = (i: number) => this.showMentions({ label: `margin in ${i === 0 ? '[' : '('}${binLabel(i)}]`, mentions: bins[i].mentions });
    const histogram = new BarChart({
      label: 'Mentions',
      labels: bins.map((b) => fixed(b.from, 1)),
      tooltipTitle: (i) => `margin ${binLabel(i)}`,
      values: bins.map((b) => b.count),
      tone: (i) => (bins[i].to <= 0 ? 'bad' : 'good'),
      xTitle: 'Margin: label score minus best negative',
      yTitle: 'Mentions',
      integer: true,
      onClick: showBin,
    }, `Histogram of margins over ${plural(bins.reduce((s, b) => s + b.count, 0), 'mention')}`);
    // The keyboard's way into the histogram: one button per non-empty bin.
    const binButtons = h('div', { class: 'bin-list', attrs: { role: 'group', 'aria-label': 'Margin bins with mentions' } }, ...bins.flatMap((b, i) => (b.count === 0 ? [] : [h('button', { attrs: { type: 'button', 'data-bin': String(i) }, on: { click: () => showBin(i) } }, `${binLabel(i)}: ${b.count}`)])));
    const recall = new BarChart({ label: 'Recall', labels: r.recallAtK.map((x) => `@${x.k}`), values: r.recallAtK.map((x) => x.recall), tone: () => 'neutral', yMax: 1, xTitle: 'k', yTitle: 'Recall' }, `Recall at k: ${r.recallAtK.map((x) => `${x.k}: ${percent(x.recall)}`).join(', ')}`);
    const docs = r.documents.slice(0, 30);
    const docChart = new BarChart({
      label: 'Accuracy', labels: docs.map((d) => d.document), values: docs.map((d) => d.accuracy), tone: (i) => (docs[i].accuracy < r.accuracy ? 'bad' : 'good'), yMax: 1, xTitle: 'Document', yTitle: 'Accuracy', horizontal: true,
      onClick: (i) => this.showMentions({ label: `document ${docs[i].document}`, mentions: docs[i].mentions }),
    }, `Accuracy of the ${docs.length} worst documents`);
    this.charts = [histogram, recall, docChart];
    const overview = h('div', { class: 'overview' },
      h('section', { class: 'chart-box wide' }, h('h2', {}, 'Margins'), h('p', { class: 'muted' }, `Label score minus the best negative’s; red bars (≤ 0) are mentions the model gets wrong. Click a bar to list its mentions. ${plural(r.margins.notRetrieved, 'label')} not retrieved, ${r.margins.noNegatives} without negatives.`), histogram.element, binButtons),
      h('section', { class: 'chart-box' }, h('h2', {}, 'Recall@k'), recall.element),
      h('section', { class: 'chart-box' }, h('h2', {}, 'Worst documents'), docChart.element),
    );

    const pairs = new PagedTable<ConfusedPair>({
      caption: 'Most confused entity pairs', testId: 'pairs', pageSize: 25,
      onActivate: (p) => this.showMentions({ label: `${entityText(p.labelId, p.labelTitle)} → ${entityText(p.predictedId, p.predictedTitle)}`, mentions: p.mentions }),
      columns: [
        { title: 'Label', cell: (p) => entityText(p.labelId, p.labelTitle), text: (p) => entityText(p.labelId, p.labelTitle) },
        { title: 'Predicted instead', cell: (p) => entityText(p.predictedId, p.predictedTitle), text: (p) => entityText(p.predictedId, p.predictedTitle) },
        { title: 'Mentions', cell: (p) => p.count, text: (p) => String(p.count), sortKey: (p) => p.count, numeric: true },
      ],
    });
    pairs.setRows(r.confusedPairs);
    const forms = new PagedTable<AmbiguousForm>({
      caption: 'Most ambiguous surface forms', testId: 'forms', pageSize: 25,
      onActivate: (f) => this.showMentions({ label: `surface form “${f.form}”`, mentions: f.mentions }),
      columns: [
        { title: 'Surface form', cell: (f) => f.form, text: (f) => f.form },
        { title: 'Mentions', cell: (f) => f.count, text: (f) => String(f.count), sortKey: (f) => f.count, numeric: true },
        { title: 'Labels', cell: (f) => f.labels.map((l) => `${entityText(l.id, l.title)} ×${l.count}`).join(', '), text: (f) => f.labels.map((l) => `${entityText(l.id, l.title)} x${l.count}`).join(', ') },
        { title: 'Entropy (bits)', cell: (f) => fixed(f.entropy, 2), text: (f) => fixed(f.entropy, 2), sortKey: (f) => f.entropy, numeric: true },
        { title: 'Model margin', cell: (f) => fixed(f.meanModelMargin), text: (f) => fixed(f.meanModelMargin), sortKey: (f) => f.meanModelMargin ?? Infinity, numeric: true },
        { title: 'Accuracy', cell: (f) => percent(f.accuracy), text: (f) => percent(f.accuracy), sortKey: (f) => f.accuracy, numeric: true },
      ],
    });
    forms.setRows(r.ambiguousForms);
    const documents = new PagedTable<DocumentAccuracy>({
      caption: 'Accuracy per document', testId: 'documents', pageSize: 50,
      onActivate: (d) => this.showMentions({ label: `document ${d.document}`, mentions: d.mentions }),
      columns: [
        { title: 'Document', cell: (d) => d.document, text: (d) => d.document },
        { title: 'Correct', cell: (d) => d.correct, text: (d) => String(d.correct), sortKey: (d) => d.correct, numeric: true },
        { title: 'Labels', cell: (d) => d.total, text: (d) => String(d.total), sortKey: (d) => d.total, numeric: true },
        { title: 'Accuracy', cell: (d) => percent(d.accuracy), text: (d) => percent(d.accuracy), sortKey: (d) => d.accuracy, numeric: true },
      ],
    });
    documents.setRows(r.documents);
    const mentions = new PagedTable<CorpusMentionRow>({
      caption: 'Labelled mentions', testId: 'mentions', pageSize: 50, page: this.ui.page,
      onPage: (page) => this.remember({ page }),
      onActivate: open,
      rowLabel: (m) => `${m.text} in ${m.document}: ${m.correct ? 'right' : 'wrong'}`,
      columns: [
        { title: 'Mention', cell: (m) => m.text, text: (m) => m.text },
        { title: 'Document', cell: (m) => m.document, text: (m) => m.document },
        { title: 'Label', cell: (m) => entityText(m.labelId, m.labelTitle), text: (m) => entityText(m.labelId, m.labelTitle) },
        { title: 'Model', cell: (m) => h('span', { class: m.correct ? undefined : 'bad' }, entityText(m.predictedId, m.predictedTitle)), text: (m) => entityText(m.predictedId, m.predictedTitle) },
        { title: 'Label rank', cell: (m) => m.labelRank ?? '–', text: (m) => String(m.labelRank ?? ''), sortKey: (m) => m.labelRank ?? Infinity, numeric: true },
        { title: 'Margin', cell: (m) => fixed(m.margin), text: (m) => fixed(m.margin), sortKey: (m) => m.margin ?? -Infinity, numeric: true },
        {
          title: 'Open',
          text: () => '',
          cell: (m) => h('span', { class: 'row-actions' },
            button('Show', () => open(m), { title: `Show ${m.text} in the editor`, testId: 'reveal' }),
            button('Negatives', () => void this.bridge.request('openMention', { ref: refOf(m) }), { title: `Hardest negatives of ${m.text}`, testId: 'open-mention' }),
          ),
        },
      ],
    });
    this.mentionsTable = mentions;
    this.filterLine = h('div', { class: 'filter-line', attrs: { 'aria-live': 'polite' } });
    const mentionsBox = h('div', {},
      h('div', { class: 'filter-bar' }, this.filterLine, checkbox('Wrong only', this.wrongOnly, (checked) => {
        this.wrongOnly = checked;
        this.applyFilter(r);
      })),
      mentions.element,
    );
    this.tables = { pairs: () => pairs.snapshot(), forms: () => forms.snapshot(), documents: () => documents.snapshot(), mentions: () => mentions.snapshot() };
    const agreement = r.agreement === undefined ? undefined : agreementSection(r.agreement, this.bridge);
    if (agreement !== undefined) this.tables['agreement'] = () => agreement.table.snapshot();
    this.tabsElement = tabs([
      { id: 'overview', label: 'Overview', content: overview },
      { id: 'pairs', label: `Pairs (${r.confusedPairs.length})`, content: h('div', {}, h('h2', {}, 'Most confused entity pairs'), pairs.element) },
      { id: 'forms', label: `Forms (${r.ambiguousForms.length})`, content: h('div', {}, h('h2', {}, 'Most ambiguous surface forms'), forms.element) },
      { id: 'documents', label: `Docs (${r.documents.length})`, content: documents.element },
      { id: 'mentions', label: `Mentions (${r.total})`, content: mentionsBox },
      ...(agreement === undefined ? [] : [{ id: 'agreement', label: `Agreement (${r.agreement?.overall.open ?? 0} open)`, content: agreement.element }]),
    ], this.ui.tab ?? 'overview', (tab) => this.remember({ tab }));
    this.report = r;
    this.applyFilter(r, true);
    this.root.append(head, summary, this.tabsElement);
    for (const c of this.charts) c.draw();
    return Math.min(r.mentions.length, mentions.pageSize);
  }

  private report: CorpusReport | undefined;

  redraw(): void {
    for (const c of this.charts) c.draw();
  }

  table(): TableSnapshot {
    const snap = this.tables[this.ui.tab ?? 'overview'] ?? this.tables['mentions'];
    if (snap === undefined) throw new Error('the corpus view has no table yet.');
    return { view: 'corpus', ...snap() };
  }

  private showMentions(filter: Filter): void {
    this.filter = filter;
    if (this.report !== undefined) this.applyFilter(this.report);
    if (this.tabsElement !== undefined) selectTab(this.tabsElement, 'mentions');
    this.remember({ tab: 'mentions', page: 0 });
  }

  private applyFilter(r: CorpusReport, keepPage = false): void {
    const base = this.filter === undefined ? r.mentions : this.filter.mentions.map((i) => r.mentions[i]).filter((m) => m !== undefined);
    const rows = this.wrongOnly ? base.filter((m) => !m.correct) : base;
    this.mentionsTable?.setRows(rows, keepPage);
    if (this.filterLine !== undefined) {
      clear(this.filterLine);
      this.filterLine.append(this.filter === undefined ? 'All labelled mentions' : `Mentions with ${this.filter.label}`);
      if (this.filter !== undefined) {
        this.filterLine.append(' ', button('Clear Filter', () => {
          this.filter = undefined;
          this.applyFilter(r);
        }, { testId: 'clear-filter' }));
      }
    }
  }

  private remember(change: Partial<CorpusUi>): void {
    this.ui = { ...this.ui, ...change };
    this.saveUi(this.ui);
  }

  destroy(): void {
    for (const c of this.charts) c.destroy();
    this.charts = [];
  }
}

function figure(name: string, value: string, note: string): HTMLElement {
  return h('div', { class: 'figure' }, h('div', { class: 'figure-name' }, name), h('div', { class: 'figure-value' }, value), h('div', { class: 'muted' }, note));
}
