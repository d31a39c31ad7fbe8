import assert from 'node:assert/strict';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { COMMAND_IDS } from '../../../src/host/commands';

const EXTENSION_ID = 'entity-linker.entity-linker';

/** Set by the .vsix test: the extension must come from this extensions folder, not from the checkout. */
const EXPECTED_EXTENSIONS_DIR = process.env.ENTITY_LINKER_EXPECT_INSTALLED_IN;

function extension(): vscode.Extension<unknown> {
  const found = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(found, `${EXTENSION_ID} is not loaded in this extension host`);
  return found;
}

suite('Entity Linker: smoke', () => {
  test('the extension activates', async () => {
    const ext = extension();
    await ext.activate();
    assert.equal(ext.isActive, true);
    if (EXPECTED_EXTENSIONS_DIR !== undefined && EXPECTED_EXTENSIONS_DIR !== '') {
      const relative = path.relative(EXPECTED_EXTENSIONS_DIR, ext.extensionPath);
      assert.ok(!relative.startsWith('..') && !path.isAbsolute(relative), `expected the installed extension under ${EXPECTED_EXTENSIONS_DIR}, got ${ext.extensionPath}`);
    }
  });

  test('the command table matches contributes.commands, and every command is registered', async () => {
    const ext = extension();
    await ext.activate();
    const contributed = ((ext.packageJSON as { contributes?: { commands?: { command: string }[] } }).contributes?.commands ?? []).map((c) => c.command);
    assert.deepEqual([...contributed].sort(), [...COMMAND_IDS].sort());
    const registered = new Set(await vscode.commands.getCommands(true));
    const missing = contributed.filter((id) => !registered.has(id));
    assert.deepEqual(missing, [], `contributed but not registered: ${missing.join(', ')}`);
  });

  test('Show Log reveals the Entity Linker log, which holds the activation line', async () => {
    await extension().activate();
    await vscode.commands.executeCommand('entityLinker.showLog');
    // The output view opens the channel as a text document of the `output` scheme; its text arrives after it opens.
    const activated = /Entity Linker \S+ activated \(VS Code /;
    const isLog = (d: vscode.TextDocument): boolean => d.uri.scheme === 'output' && decodeURIComponent(d.uri.toString()).includes('Entity Linker');
    let log: vscode.TextDocument | undefined;
    for (let i = 0; i < 150 && !(log !== undefined && activated.test(log.getText())); i++) {
      log = vscode.workspace.textDocuments.find(isLog);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.ok(log, `the log is open; documents: ${vscode.workspace.textDocuments.map((d) => d.uri.toString()).join(', ')}`);
    assert.match(log.getText(), activated);
  });

  test("compareTexts: the linking session's encoder (in the linker worker) ranks Apple the company above the fruit", async function () {
    // The first call opens the linking session in the worker (ONNX Runtime, the model, the KB and its index).
    this.timeout(180_000);
    const mention = 'Steve Jobs co-founded Apple';
    const company = await vscode.commands.executeCommand<number>('entityLinker.compareTexts', mention, 'Apple Inc. is an American technology company');
    const fruit = await vscode.commands.executeCommand<number>('entityLinker.compareTexts', mention, 'The apple is the edible fruit of the apple tree');
    assert.equal(typeof company, 'number');
    assert.equal(typeof fruit, 'number');
    assert.ok(company > fruit, `cosine(company) ${company} should exceed cosine(fruit) ${fruit}`);
    assert.ok(company <= 1 + 1e-5 && fruit >= -1 - 1e-5, 'cosines of unit vectors lie in [-1, 1]');
  });
});
