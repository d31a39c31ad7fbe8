import assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { labelAndNegatives } from '../../../src/core/analysis/labelMatch';
import { silentLogger } from '../../../src/core/log';
import { CorpusPanel } from '../../../src/host/panels/corpusPanel';
import { MentionPanel } from '../../../src/host/panels/mentionPanel';
import type { PanelContext } from '../../../src/host/panels/viewPanel';
import type { RenderedEvent } from '../../../src/host/panels/panelChannel';
import { NEGATIVES_SHOWN } from '../../../src/host/panels/mentionViewData';
import type { LabelledMention, MentionBackend } from '../../../src/host/linking/mentionBackend';
import { PanelTestBackend } from './panelTestBackend';
import { until } from './waitUntil';

const EXTENSION_ID = 'entity-linker.entity-linker';

/** The next render of `panel` that satisfies `accept`, or a timeout naming what was awaited. */
function nextRender(channel: { onDidRender: vscode.Event<RenderedEvent> }, what: string, accept: (e: RenderedEvent) => boolean = () => true, timeoutMs = 30_000): Promise<RenderedEvent> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`no render of ${what} within ${timeoutMs / 1000} s`));
    }, timeoutMs);
    const sub = channel.onDidRender((e) => {
      if (!accept(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}

suite('Entity Linker: panel protocol in the extension host', () => {
  let backend: PanelTestBackend;
  let context: PanelContext;

  suiteSetup(async function () {
    this.timeout(240_000);
    const ext = vscode.extensions.getExtension(EXTENSION_ID);
    assert.ok(ext, `${EXTENSION_ID} is not loaded`);
    await ext.activate();
    backend = await PanelTestBackend.create(ext.extensionPath);
    context = { extensionUri: ext.extensionUri, backend: () => backend, logger: silentLogger, openMention: async () => undefined };
  });

  suiteTeardown(async () => {
    await backend?.dispose();
  });

  test('mention view: ready handshake, the negatives shown are the linker\'s, the table request round-trips', async function () {
    this.timeout(60_000);
    const id = backend.doc.records[0].id;
    const ref = backend.refOf(id);
    const panel = MentionPanel.create(context);
    try {
      const rendered = nextRender(panel.channel, 'the mention view', (e) => e.view === 'mention');
      await panel.show(ref);
      const shown = await rendered;
      assert.equal(panel.channel.isReady, true);

      // What the linker itself ranks for this span, minus the label: the panel must list exactly these.
      const details = await backend.details(ref);
      assert.ok(details);
      const expected = labelAndNegatives([...details.linked.candidates], details.annotation ?? { kbId: null }, NEGATIVES_SHOWN, () => undefined).negatives.map((n) => n.id);
      assert.ok(expected.length >= 2, `the linker should find several negatives for "Dublin", got ${expected.join(', ')}`);
      assert.deepEqual(shown.candidateIds, expected);
      assert.ok(!shown.candidateIds.includes('Q1'), 'the label is not a negative');

      // Host -> webview request answered by id: the table as the webview shows it.
      const table = await panel.table();
      assert.equal(table.view, 'mention');
      assert.deepEqual(table.columns.slice(0, 4), ['Rank', 'Entity', 'Type', 'Description']);
      assert.deepEqual(table.rows.map((r) => /\((Q\d+)\)$/.exec(r[1])?.[1]), expected);
      const band = table.rows.find((r) => r[1].includes('(Q3)'));
      assert.ok(band, 'the band (with markup in its description) is among the negatives');
      assert.match(band[3], /^<img src=x onerror=/, 'KB text reaches the webview as text, unchanged');
    } finally {
      panel.dispose();
    }
  });

  test('mention view follows a relabel made elsewhere (backend change event)', async function () {
    this.timeout(60_000);
    const id = backend.doc.records[2].id;
    const panel = MentionPanel.create(context);
    try {
      const first = nextRender(panel.channel, 'the mention view', (e) => e.view === 'mention');
      await panel.show(backend.refOf(id));
      const before = await first;
      const target = before.candidateIds[0];
      const after = nextRender(panel.channel, 'the relabelled view', (e) => e.view === 'mention' && !e.candidateIds.includes(target));
      await backend.relabel(backend.refOf(id), target);
      const shown = await after;
      assert.equal(backend.doc.get(id)?.kbId, target);
      assert.ok(shown.candidateIds.includes('Q1'), 'the old label is a negative now');
    } finally {
      panel.dispose();
    }
  });

  test('corpus view: the report of every labelled mention reaches the webview; its table round-trips', async function () {
    this.timeout(60_000);
    const panel = CorpusPanel.create(context);
    try {
      const rendered = nextRender(panel.channel, 'the corpus view', (e) => e.view === 'corpus');
      await panel.refresh();
      const shown = await rendered;
      const labelled = backend.doc.records.filter((r) => r.status === 'accepted' || r.status === 'nil').length;
      assert.equal(shown.rows, labelled);
      assert.ok(panel.lastTimings !== undefined && panel.lastTimings.mentions === labelled);
      const table = await panel.table();
      assert.equal(table.view, 'corpus');
      assert.equal(table.rows.length, labelled);
      assert.deepEqual(table.rows.map((r) => r[0]).sort(), backend.doc.records.filter((r) => r.status === 'accepted' || r.status === 'nil').map((r) => r.text).sort());
    } finally {
      panel.dispose();
    }
  });

  test('corpus view hidden while it ranks stops ranking (the link thread is the editor\'s too) and reports again once shown', async function () {
    this.timeout(60_000);
    // The backend's ranking of the labelled mentions never ends by itself: only its signal can stop it.
    const rankings: AbortSignal[] = [];
    const slow: MentionBackend = Object.assign(Object.create(backend) as PanelTestBackend, {
      labelledMentions: (signal?: AbortSignal): Promise<LabelledMention[]> => {
        assert.ok(signal, 'the corpus view passes a signal');
        rankings.push(signal);
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('cancelled')), { once: true }));
      },
    });
    const panel = CorpusPanel.create({ ...context, backend: () => slow });
    try {
      void panel.refresh();
      await until('the ranking to start', () => rankings.length === 1);
      // A text editor opened in the panel's column hides it.
      const note = await vscode.workspace.openTextDocument({ content: 'a note\n' });
      await vscode.window.showTextDocument(note, { viewColumn: panel.panel.viewColumn, preview: false });
      await until('the hidden view to stop ranking', () => rankings[0].aborted);
      assert.equal(panel.panel.visible, false);
      panel.panel.reveal(panel.panel.viewColumn);
      await until('the view, shown again, to rank again', () => rankings.length === 2);
      assert.equal(rankings[1].aborted, false);
    } finally {
      panel.dispose();
      await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    }
  });
});
