import * as fs from 'node:fs';
import * as path from 'node:path';
import { REPO_ROOT } from '../../integration/harness/codeServer';
import type { Workbench } from './workbench';

/**
 * The extension under test: the real panels and webview bundle over a session-backed MentionBackend
 * (test/e2e/panelFixtureExtension.ts), under the panel commands' real ids and titles.
 */
export function writeFixtureExtension(): string {
  const dir = path.join(REPO_ROOT, '.test-artifacts', 'e2e-extensions', 'panel-fixture');
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const folder of ['dist', 'media']) fs.symlinkSync(path.join(REPO_ROOT, folder), path.join(dir, folder));
  fs.writeFileSync(path.join(dir, 'main.js'), `module.exports = require(${JSON.stringify(path.join(REPO_ROOT, 'out', 'test', 'e2e', 'panelFixtureExtension.js'))});\n`);
  const real = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
  const manifest = {
    name: 'entity-linker-panel-fixture',
    publisher: 'entity-linker',
    version: '0.0.1',
    engines: { vscode: '^1.90.0' },
    main: './main.js',
    activationEvents: ['onStartupFinished', 'onWebviewPanel:entityLinker.mention', 'onWebviewPanel:entityLinker.corpus'],
    contributes: { commands: real.contributes.commands.filter((c) => ['entityLinker.showMention', 'entityLinker.showCorpus', 'entityLinker.curateDisagreements'].includes(c.command)) },
  };
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify(manifest, null, 2));
  return dir;
}

/** A screenshot of the workbench with the pointer parked off any control (no hover highlight); returns its path. */
export async function shot(wb: Workbench, name: string): Promise<string> {
  await wb.page.mouse.move(5, 890);
  await wb.page.waitForTimeout(300);
  return wb.screenshot(name);
}
