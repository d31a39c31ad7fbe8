import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { FEATURE_NAMES } from '../../../src/core/linker/ranker';
import { ONLINE_STATE_FILE } from '../../../src/core/training/onlineStateFile';
import type { HostTestApi } from '../../../src/host/hostTestApi';
import { openEditorWorkspace } from './editorFixtures';
import { until } from './waitUntil';

/** Two paragraphs, the same name in the same words: what the annotator decides for one should carry over. */
const TEXT = 'We had an Apple after lunch.\n\nThen we had an Apple after lunch.\n';

suite('Entity Linker: online adaptation', () => {
  let api: HostTestApi;
  let root: string;
  /** What the first test left for the second: the document, the Apples' spans, the top before and after the correction and the prior it taught. */
  let correction: { uri: string; first: { start: number; end: number }; second: { start: number; end: number }; top: string; to: string; prior: number } | undefined;

  suiteSetup(async function () {
    this.timeout(120_000);
    ({ api, root } = await openEditorWorkspace({ 'learning.enabled': true, 'learning.refitEvery': 1 }));
    // Earlier suites' decisions are forgotten (the saved state and the linker's): this suite starts from the model.
    await vscode.commands.executeCommand('entityLinker.forgetLearning', { ask: false });
  });

  suiteTeardown(async () => {
    // Later suites link with the model alone.
    await vscode.workspace.getConfiguration('entityLinker').update('learning.enabled', false, vscode.ConfigurationTarget.Workspace);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a correction changes the next identical mention\'s top candidate, with no command but the correction', async function () {
    this.timeout(120_000);
    const file = path.join(root, 'learning-notes.txt');
    fs.writeFileSync(file, TEXT);
    const document = await vscode.workspace.openTextDocument(file);
    await vscode.window.showTextDocument(document);
    const uri = document.uri.toString();
    await api.whenLinked(uri);
    const apples = (): ReturnType<HostTestApi['mentions']> => api.mentions(uri).filter((m) => m.text === 'Apple');
    const [first, second] = apples();
    assert.ok(first !== undefined && second !== undefined, `both Apples are linked: ${JSON.stringify(api.mentions(uri))}`);
    const top = second.kbId;
    assert.ok(top === 'Q312' || top === 'Q89', `the second Apple's top candidate is one of the Apples (${top})`);
    const corrected = top === 'Q312' ? 'Q89' : 'Q312';

    const state = path.join(root, '.entity-links', ONLINE_STATE_FILE);
    type Details = Awaited<ReturnType<ReturnType<HostTestApi['mentionBackend']>['details']>>;
    const feature = (details: Details, id: string, name: (typeof FEATURE_NAMES)[number]): number | undefined => details?.linked.candidates.find((c) => c.id === id)?.features?.[FEATURE_NAMES.indexOf(name)];
    // Earlier suites' decisions in this workspace count too (the learner reads the whole store), so the correction
    // is measured as one more decision than the state held before it.
    const decisionsIn = (): number => (fs.existsSync(state) ? (JSON.parse(fs.readFileSync(state, 'utf8')) as { decisions: number }).decisions : 0);
    const decisionsBefore = decisionsIn();
    let details: Details;
    // The annotator corrects the first Apple (as Choose Candidate does); nothing else is run. Then the refit
    // (refitEvery 1) runs in the background and the document is linked again with what it learned.
    const delay = await api.eventLoopDelay(async () => {
      await api.mentionBackend().relabel({ uri, start: first.start, end: first.end }, corrected);
      const deadline = Date.now() + 60_000;
      for (;;) {
        await api.whenLinked(uri);
        details = await api.mentionBackend().details({ uri, start: second.start, end: second.end });
        if ((fs.existsSync(state) && (feature(details, corrected, 'annotatorPrior') ?? 0) > 0) || Date.now() > deadline) break;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
    });
    console.log(`correction -> refit -> re-link: ${delay.wallMs.toFixed(0)} ms; extension host event-loop delay mean ${delay.meanMs.toFixed(1)} ms, p99 ${delay.p99Ms.toFixed(1)} ms, max ${delay.maxMs.toFixed(1)} ms`);
    // The re-linked prediction of the second Apple carries what was learned from the correction (the
    // annotators' prior, from the refit) and the decision made earlier in the document.
    assert.ok((feature(details, corrected, 'annotatorPrior') ?? 0) > 0, `the annotators' prior of the correction reaches the prediction: ${JSON.stringify(details?.linked.candidates)}`);
    assert.equal(feature(details, corrected, 'discourse'), 1, 'the document\'s decision reaches the prediction');
    assert.ok(fs.existsSync(state), 'the adapted state is kept in the workspace');
    assert.ok(decisionsIn() >= decisionsBefore + 1, `the saved state counts the correction (${decisionsBefore} before, ${decisionsIn()} after)`);
    assert.equal(apples()[1]?.kbId, corrected, 'the next identical mention follows the correction');
    assert.equal(apples()[1]?.status, 'predicted', 'it is still a suggestion, not a decision');
    correction = { uri, first: { start: first.start, end: first.end }, second: { start: second.start, end: second.end }, top, to: corrected, prior: feature(details, corrected, 'annotatorPrior') ?? 0 };
  });

  test('undoing the correction un-learns it: the next identical mention goes back to its first top candidate', async function () {
    this.timeout(120_000);
    assert.ok(correction, 'the previous test corrected the first Apple');
    const { uri, second, top, to, prior } = correction;
    assert.equal(await vscode.commands.executeCommand('entityLinker.undoAnnotation', uri), true);
    type Details = Awaited<ReturnType<ReturnType<HostTestApi['mentionBackend']>['details']>>;
    const feature = (details: Details, id: string, name: (typeof FEATURE_NAMES)[number]): number | undefined => details?.linked.candidates.find((c) => c.id === id)?.features?.[FEATURE_NAMES.indexOf(name)];
    let details: Details;
    const deadline = Date.now() + 60_000;
    for (;;) {
      await api.whenLinked(uri);
      details = await api.mentionBackend().details({ uri, ...second });
      const back = api.mentions(uri).filter((m) => m.text === 'Apple')[1]?.kbId === top;
      if ((back && (feature(details, to, 'annotatorPrior') ?? 0) < prior && feature(details, to, 'discourse') !== 1) || Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    assert.ok((feature(details, to, 'annotatorPrior') ?? 0) < prior, `the annotators' prior of the undone correction is taken back (${prior} before the undo): ${JSON.stringify(details?.linked.candidates)}`);
    assert.notEqual(feature(details, to, 'discourse'), 1, 'the document no longer holds the decision');
    assert.equal(api.mentions(uri).filter((m) => m.text === 'Apple')[1]?.kbId, top, 'the next identical mention is back on its first top candidate');
  });

  test('Forget What the Linker Learned: the saved state goes, the linker ranks with the model alone, and learning starts afresh', async function () {
    this.timeout(120_000);
    assert.ok(correction, 'the first test corrected the first Apple');
    const { uri, second, to } = correction;
    const state = path.join(root, '.entity-links', ONLINE_STATE_FILE);
    const priorOf = async (): Promise<number> => {
      await api.whenLinked(uri);
      const details = await api.mentionBackend().details({ uri, ...second });
      return details?.linked.candidates.find((c) => c.id === to)?.features?.[FEATURE_NAMES.indexOf('annotatorPrior')] ?? 0;
    };
    // The correction again (Redo): learned again.
    assert.equal(await vscode.commands.executeCommand('entityLinker.redoAnnotation', uri), true);
    await until('the redone correction to be learned', async () => fs.existsSync(state) && (await priorOf()) > 0, 60_000);
    // From the palette it asks first, and Enter on the confirmation as it opens keeps what was learned.
    let asked = false;
    const kept = Promise.resolve(vscode.commands.executeCommand<number | undefined>('entityLinker.forgetLearning')).finally(() => (asked = true));
    // It waits for an answer (a test host cancels a modal dialog at once, so this tells a shown list from one).
    await new Promise((resolve) => setTimeout(resolve, 1000));
    assert.equal(asked, false, 'the confirmation waits for the annotator');
    for (const deadline = Date.now() + 20_000; !asked && Date.now() < deadline; ) {
      await new Promise((resolve) => setTimeout(resolve, 300));
      if (!asked) await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
    }
    assert.ok(asked, 'the confirmation took Enter');
    assert.equal(await kept, undefined, 'Enter forgot nothing');
    assert.equal(fs.existsSync(state), true, 'the saved state stays after Enter');
    assert.ok((await priorOf()) > 0, 'the linker still ranks with what it learned');
    const forgotten = await vscode.commands.executeCommand<number>('entityLinker.forgetLearning', { ask: false });
    assert.ok(forgotten !== undefined && forgotten >= 1, `the state held the correction (${forgotten} decisions)`);
    assert.equal(fs.existsSync(state), false, 'the saved state is deleted');
    await until('the document to be linked with the model alone', async () => (await priorOf()) === 0, 30_000);
    assert.equal(api.mentions(uri).filter((m) => m.text === 'Apple')[0]?.status, 'accepted', 'the annotation stays');
    // A decision made now is the new state's first; the one made before forgetting is not learned again.
    const [, next] = api.mentions(uri).filter((m) => m.text === 'Apple');
    assert.ok(next !== undefined);
    await api.mentionBackend().relabel({ uri, start: next.start, end: next.end }, to);
    await until('the new decision to be saved as the only one', () => fs.existsSync(state) && (JSON.parse(fs.readFileSync(state, 'utf8')) as { decisions: number }).decisions === 1, 60_000);
  });
});
