import type { MentionRefData } from '../src/shared/panelModel';
import { isPanelState, type PanelState, type TableSnapshot, type ViewData, type ViewKind } from '../src/shared/protocol';
import { Bridge } from './bridge';
import { onThemeChange } from './charts';
import { CorpusView } from './corpusView';
import { clear, h } from './dom';
import { renderMention } from './mentionView';
import { progressRing, registerToolkit } from './toolkit/toolkit';
import { acquireApi } from './vscodeApi';

/**
 * The panels' webview: one bundle for both views (the page's data-view says which). It keeps what it shows in
 * the webview state, so a reloaded window restores the panel through the host's serializer.
 */
registerToolkit();
const api = acquireApi();
const view: ViewKind = document.body.dataset['view'] === 'corpus' ? 'corpus' : 'mention';
const saved = api.getState();
let state: PanelState = isPanelState(saved) && saved.view === view ? saved : { view };
const app = document.getElementById('app') ?? document.body;
const statusLine = h('div', { class: 'status', attrs: { role: 'status', 'aria-live': 'polite', 'data-testid': 'status' } });
const content = h('div', { class: 'content' });
clear(app);
app.append(statusLine, content);

let tableOf: (() => TableSnapshot) | undefined;
let corpus: CorpusView | undefined;

function setStatus(text: string): void {
  clear(statusLine);
  statusLine.append(text);
}

function save(next: PanelState): void {
  state = next;
  api.setState(state);
}

function show(data: ViewData): void {
  const started = performance.now();
  setStatus('');
  corpus?.destroy();
  corpus = undefined;
  if (data.view === 'empty') {
    clear(content);
    content.append(h('section', { class: 'empty' }, h('h1', {}, data.title), h('p', {}, data.message)));
    tableOf = undefined;
    bridge.rendered(view, 0, performance.now() - started, []);
    return;
  }
  if (data.view === 'mention') {
    const ref: MentionRefData = data.data.ref;
    save({ view: 'mention', ref });
    const shown = renderMention(content, data.data, bridge, setStatus);
    tableOf = shown.table;
    bridge.rendered('mention', data.data.negatives.length, performance.now() - started, shown.candidateIds);
    return;
  }
  const view_ = new CorpusView(content, bridge, state.ui ?? {}, (ui) => save({ view: 'corpus', ui }), setStatus);
  corpus = view_;
  const rows = view_.render(data.data);
  tableOf = () => view_.table();
  // Measured after layout, so the figure includes what the user waits for.
  requestAnimationFrame(() => bridge.rendered('corpus', rows, performance.now() - started, []));
}

const bridge = new Bridge(api, {
  show,
  busy: (message, done, total) => {
    clear(statusLine);
    statusLine.append(progressRing(), ' ', done !== undefined && total !== undefined ? `${message} ${done}/${total}` : message);
  },
  error: (message) => setStatus(`Error: ${message}`),
  table: () => {
    if (tableOf === undefined) throw new Error('nothing is shown yet.');
    return tableOf();
  },
});
onThemeChange(() => corpus?.redraw());
bridge.start();
