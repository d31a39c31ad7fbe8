import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { type AnnotationRecord, headerFor, serializeAnnotationFile } from '../../../src/core/annotations/annotationRecord';
import type { ExportSummary } from '../../../src/core/formats/export/exportGold';
import type { FinetuneSummary } from '../../../src/core/worker/trainingRequests';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { finetuneVerdict } from '../../../src/host/training/finetuneVerdict';
import { EDITOR_KB, writeEditorFixtures } from './editorFixtures';

const EXTENSION_ID = 'entity-linker.entity-linker';

/** Short documents, each with its accepted links: ids of the tiny KB in editorFixtures. */
const DOCS: readonly { name: string; text: string; links: readonly [string, string][] }[] = [
  { name: 'd1.txt', text: 'Steve Jobs showed the new iPhone made by Apple in California.', links: [['Steve Jobs', 'Q19837'], ['Apple', 'Q312'], ['California', 'Q99']] },
  { name: 'd2.txt', text: 'She ate an apple from the tree on a farm.', links: [['apple', 'Q89']] },
  { name: 'd3.txt', text: 'Jobs flew from California to New York for the launch.', links: [['Jobs', 'Q19837'], ['California', 'Q99'], ['New York', 'Q60']] },
  { name: 'd4.txt', text: 'Apple shares rose in New York trading.', links: [['Apple', 'Q312'], ['New York', 'Q60']] },
  { name: 'd5.txt', text: 'A ripe apple is a sweet fruit.', links: [['apple', 'Q89']] },
  { name: 'd6.txt', text: 'NYC is far from California, said Steve Jobs.', links: [['NYC', 'Q60'], ['California', 'Q99'], ['Steve Jobs', 'Q19837']] },
];

/** Writes a store folder of its own (the editor tests leave a deliberately corrupt file in the workspace's store). */
function writeStore(dir: string): number {
  let accepted = 0;
  fs.mkdirSync(path.join(dir, '.entity-links'), { recursive: true });
  for (const doc of DOCS) {
    fs.writeFileSync(path.join(dir, doc.name), doc.text);
    const records: AnnotationRecord[] = doc.links.map(([surface, kbId], i) => {
      const start = doc.text.indexOf(surface);
      accepted++;
      return {
        id: `${doc.name}-${i}`, start, end: start + surface.length, text: surface, kbId, status: 'accepted', candidates: [], annotator: 'test',
        time: new Date(0).toISOString(), modelVersion: '', context: { before: doc.text.slice(0, start), after: doc.text.slice(start + surface.length) },
      };
    });
    // A rejected suggestion is not gold: export and training leave it out.
    const start = doc.text.length - 1;
    records.push({ id: `${doc.name}-r`, start, end: start + 1, text: doc.text.slice(start), kbId: 'Q312', status: 'rejected', candidates: [], annotator: 'test', time: new Date(0).toISOString(), modelVersion: '', context: { before: '', after: '' } });
    fs.writeFileSync(path.join(dir, '.entity-links', `${doc.name}.jsonl`), serializeAnnotationFile(headerFor(doc.name, doc.text), records));
  }
  return accepted;
}

suite('Entity Linker: export training data, fine-tune, switch model', () => {
  let api: HostTestApi;
  let root: string;
  let store: string;
  let accepted: number;

  suiteSetup(async function () {
    this.timeout(120_000);
    const folder = vscode.workspace.workspaceFolders?.[0];
    assert.ok(folder, 'the integration run opens a workspace folder');
    root = folder.uri.fsPath;
    writeEditorFixtures(root);
    store = path.join(root, 'training-store');
    fs.rmSync(store, { recursive: true, force: true });
    accepted = writeStore(store);
    const config = vscode.workspace.getConfiguration('entityLinker');
    await config.update('kb.sources', [`jsonl:${EDITOR_KB}`], vscode.ConfigurationTarget.Workspace);
    await config.update('model.provider', 'cpu', vscode.ConfigurationTarget.Workspace);
    // No editor re-links while the model switches: the test checks the session the commands open.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const ext = vscode.extensions.getExtension<HostTestApi>(EXTENSION_ID);
    assert.ok(ext);
    api = await ext.activate();
  });

  test('export writes BLINK records of the accepted annotations, with hard negatives that are never the gold', async function () {
    this.timeout(120_000);
    const out = path.join(store, 'out', 'train.jsonl');
    const summary = await vscode.commands.executeCommand<ExportSummary>('entityLinker.exportTrainingData', { format: 'blink', out, devFraction: 0, hardNegatives: 2, workspace: store });
    assert.equal(summary.mentions.total, accepted);
    assert.equal(summary.kbCoverage, 1);
    assert.equal(summary.skipped[Object.keys(summary.skipped)[0] ?? ''], DOCS.length, `the rejected records are counted: ${JSON.stringify(summary.skipped)}`);
    const records = fs.readFileSync(out, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { mention: string; label_id: string; hard_negatives: { id: string }[] });
    assert.equal(records.length, accepted);
    const expected = DOCS.flatMap((d) => d.links.map(([surface, id]) => `${surface}=${id}`)).sort();
    assert.deepEqual(records.map((r) => `${r.mention}=${r.label_id}`).sort(), expected);
    for (const r of records) {
      assert.equal(r.hard_negatives.length, 2);
      assert.ok(r.hard_negatives.every((n) => n.id !== r.label_id));
    }

    const split = await vscode.commands.executeCommand<ExportSummary>('entityLinker.exportTrainingData', { format: 'nif', out: path.join(store, 'out', 'all.ttl'), devFraction: 0.34, workspace: store });
    assert.ok(split.files.dev?.endsWith('all.dev.ttl'));
    assert.equal(split.documents.train + split.documents.dev, DOCS.length);
    assert.ok(split.documents.dev > 0 && fs.existsSync(split.files.dev!));
  });

  test('fine-tune writes a model folder naming its parent and says whether it improved; switch to it (in user settings: it is outside the workspace), to a copy inside the workspace (a relative path) and back', async function () {
    this.timeout(300_000);
    // An export opens the linking session (on the model now set) and links with it (mining one negative per
    // mention); the test API then shows which model it loaded.
    const sessionNow = async (): Promise<{ modelId: string; modelDir: string }> => {
      await vscode.commands.executeCommand('entityLinker.exportTrainingData', { format: 'blink', out: path.join(store, 'out', 'probe.jsonl'), hardNegatives: 1, workspace: store });
      const info = api.session();
      assert.ok(info, 'the session is open after an export');
      return info;
    };
    const parent = await sessionNow();
    let seen = api.notifications().length;
    const result = await vscode.commands.executeCommand<FinetuneSummary>('entityLinker.finetune', { negatives: 'mixed', epochs: 2, numNegatives: 3, seed: 7, devFraction: 0.34, workspace: store });
    const told = api.notifications().slice(seen);
    assert.equal(told.length, 1, JSON.stringify(told));
    // The verdict is the dev comparison the summary carries (whole-linker accuracy, else the best epoch).
    if (finetuneVerdict(result) === 'improved') {
      assert.match(told[0].message, /fine-tuned model ready/);
      assert.ok(told[0].actions.includes('Use the new model'));
    } else {
      assert.match(told[0].message, /did not improve/);
      assert.ok(!told[0].actions.includes('Use the new model'));
    }
    assert.match(path.basename(result.outDir), /-mixed$/);
    assert.equal(path.basename(path.dirname(result.outDir)), 'models');
    const manifest = JSON.parse(fs.readFileSync(path.join(result.outDir, 'manifest.json'), 'utf8')) as { parent: { path: string; modelId: string }; modelId: string; metrics: { after: { mentions: number } } };
    assert.equal(manifest.parent.modelId, parent.modelId);
    assert.equal(path.resolve(manifest.parent.path), path.resolve(parent.modelDir));
    assert.equal(manifest.modelId, result.modelId);
    assert.ok(result.epochs.length >= 1 && result.epochs.every((e) => Number.isFinite(e.loss)));
    assert.ok(result.trainMentions > 0 && result.devMentions > 0);

    const config = (): vscode.WorkspaceConfiguration => vscode.workspace.getConfiguration('entityLinker');
    assert.equal(await vscode.commands.executeCommand('entityLinker.switchModel', { path: result.outDir }), result.outDir);
    // The extension's global storage is machine-local: the user settings, never the shared workspace settings.
    assert.equal(config().inspect<string>('model.path')?.workspaceValue, undefined);
    assert.equal(config().inspect<string>('model.path')?.globalValue, result.outDir);
    // The linker reloads on the new model: its session's model id is the fine-tuned one.
    const reloaded = await sessionNow();
    assert.equal(reloaded.modelId, result.modelId);

    // A model inside the workspace is written relative to it, so the setting works for colleagues.
    const shared = path.join(root, 'models', 'shared-ft');
    fs.rmSync(shared, { recursive: true, force: true });
    fs.cpSync(result.outDir, shared, { recursive: true });
    seen = api.notifications().length;
    await vscode.commands.executeCommand('entityLinker.switchModel', { path: shared });
    assert.equal(config().inspect<string>('model.path')?.workspaceValue, 'models/shared-ft');
    assert.equal((await sessionNow()).modelId, result.modelId);
    assert.deepEqual(api.notifications().slice(seen), [], 'switching asks nothing');

    assert.equal(await vscode.commands.executeCommand('entityLinker.switchModel', { path: null }), '');
    assert.equal(config().inspect<string>('model.path')?.workspaceValue, undefined);
    assert.equal(config().inspect<string>('model.path')?.globalValue, undefined);
    assert.equal((await sessionNow()).modelId, parent.modelId);
  });

  test('Switch Model while the hard-negatives panel is open: the panel waits for the setting and the session opens on the new model', async function () {
    this.timeout(300_000);
    const result = await vscode.commands.executeCommand<FinetuneSummary>('entityLinker.finetune', { negatives: 'random', epochs: 1, numNegatives: 2, seed: 3, devFraction: 0.34, workspace: store });
    const document = await vscode.workspace.openTextDocument(path.join(store, 'd4.txt'));
    await vscode.window.showTextDocument(document);
    await api.whenLinked(document.uri.toString());
    await vscode.commands.executeCommand('entityLinker.showMention', document.uri, document.getText().indexOf('Apple') + 1);
    const tabs = (): string[] => vscode.window.tabGroups.all.flatMap((g) => g.tabs.map((t) => t.label));
    for (let i = 0; i < 100 && !tabs().includes('Mention: Apple'); i++) await new Promise((r) => setTimeout(r, 100));
    assert.ok(tabs().includes('Mention: Apple'), `the panel is open: ${JSON.stringify(tabs())}`);
    const parentId = api.session()?.modelId;
    assert.ok(parentId !== undefined && parentId !== result.modelId);

    const seen = api.notifications().length;
    await vscode.commands.executeCommand('entityLinker.switchModel', { path: result.outDir });
    // The panel follows the session change and the editor re-links: whichever opens the session first, it is the new model.
    for (let i = 0; i < 1200 && api.session() === undefined; i++) await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.session()?.modelId, result.modelId, 'the session opened on the new model');
    assert.ok(api.statusText().includes(path.basename(result.outDir)), `the status bar shows the new model: ${api.statusText()}`);
    assert.deepEqual(api.notifications().slice(seen).filter((n) => /Reload the linker/.test(n.message)), [], 'no "reload?" prompt: the old session was never reopened');

    assert.equal(await vscode.commands.executeCommand('entityLinker.switchModel', { path: null }), '');
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a fine-tune that improves nothing says so and offers no "Use the new model"', async function () {
    this.timeout(300_000);
    const seen = api.notifications().length;
    // No epoch runs: the head is the parent's (best epoch 0). With whole-linker selection the folder still gets a
    // refitted ranker and the learned state, so whether it improved is the dev accuracy's to say.
    const result = await vscode.commands.executeCommand<FinetuneSummary>('entityLinker.finetune', { negatives: 'mixed', epochs: 0, seed: 5, devFraction: 0.34, workspace: store });
    assert.equal(result.bestEpoch, 0);
    const told = api.notifications().slice(seen);
    assert.equal(told.length, 1, JSON.stringify(told));
    const improved = finetuneVerdict(result) === 'improved';
    assert.equal(improved, result.linker !== undefined && result.linker.after > result.linker.before);
    console.log(`fine-tune with 0 epochs: linker dev accuracy ${JSON.stringify(result.linker)}; told: ${told[0].message}`);
    if (improved) {
      assert.equal(told[0].severity, 'info');
      assert.match(told[0].message, /ready/);
      assert.deepEqual(told[0].actions, ['Use the new model', 'Show Log']);
    } else {
      assert.equal(told[0].severity, 'warning');
      assert.match(told[0].message, /did not improve/);
      assert.doesNotMatch(told[0].message, /ready/);
      assert.deepEqual(told[0].actions, ['Show Log']);
    }
  });
});
