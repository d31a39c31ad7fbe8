import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM_ARGS, CHROMIUM_PATH } from '../../integration/harness/browser';
import { freePort, REPO_ROOT, startCodeServer, type RunningCodeServer } from '../../integration/harness/codeServer';

/**
 * End-to-end harness: the real VS Code workbench (code-server) with the extension loaded from the checkout,
 * driven through its UI by Playwright in headless Chromium. Tests use `page` plus the helpers below; each
 * workbench gets fresh profile folders under .test-artifacts/e2e/<name>/, where screenshots and the server
 * log land too.
 */
export interface WorkbenchOptions {
  /** Names the artifacts folder. */
  readonly name: string;
  /** User settings written before start (settings.json). */
  readonly settings?: Record<string, unknown>;
  /** Files to create in the opened workspace folder (relative path -> content). */
  readonly files?: Record<string, string>;
  /** The extension under test; default: this checkout. */
  readonly extensionDevelopmentPath?: string;
}

export interface Workbench {
  readonly page: Page;
  readonly workspace: string;
  readonly artifactsDir: string;
  /** Runs a command by its palette title, e.g. 'Entity Linker: Show Log'. */
  runCommand(title: string): Promise<void>;
  /** Waits for the quick input (input box or quick pick) titled `title`, types `text` and presses Enter. */
  answerQuickInput(title: string | RegExp, text: string): Promise<void>;
  /** Waits for a notification whose text matches and returns its text. */
  waitForNotification(pattern: RegExp, timeoutMs?: number): Promise<string>;
  /** Saves a PNG of the page under the artifacts folder; returns its path. */
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'security.workspace.trust.enabled': false,
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
};

export function e2ePrerequisitesMissing(): string | undefined {
  const launcher = path.join(REPO_ROOT, '.tools', 'code-server.sh');
  if (!fs.existsSync(launcher)) {
    return `code-server is not installed (${launcher}); run bash scripts/setup.sh`;
  }
  if (!fs.existsSync(CHROMIUM_PATH)) {
    return `Chromium is not installed (${CHROMIUM_PATH}); run apt-get install -y chromium`;
  }
  if (!fs.existsSync(path.join(REPO_ROOT, 'dist', 'extension.js'))) {
    return 'dist/extension.js is missing; run npm run build';
  }
  return undefined;
}

export async function openWorkbench(options: WorkbenchOptions): Promise<Workbench> {
  const artifactsDir = path.join(REPO_ROOT, '.test-artifacts', 'e2e', options.name);
  fs.rmSync(artifactsDir, { recursive: true, force: true });
  const workspace = path.join(artifactsDir, 'workspace');
  const userDataDir = path.join(artifactsDir, 'user-data');
  const extensionsDir = path.join(artifactsDir, 'extensions');
  const profileDir = path.join(artifactsDir, 'chromium');
  for (const dir of [workspace, path.join(userDataDir, 'User'), extensionsDir, profileDir]) {
    fs.mkdirSync(dir, { recursive: true });
  }
  fs.writeFileSync(path.join(userDataDir, 'User', 'settings.json'), JSON.stringify({ ...QUIET_SETTINGS, ...options.settings }, null, 2));
  for (const [file, content] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(workspace, file)), { recursive: true });
    fs.writeFileSync(path.join(workspace, file), content);
  }
  const log = fs.createWriteStream(path.join(artifactsDir, 'code-server.log'));

  let server: RunningCodeServer | undefined;
  let context: BrowserContext | undefined;
  const close = async () => {
    await context?.close().catch(() => undefined);
    await server?.stop();
    log.end();
  };
  try {
    // The smoke-test driver makes the workbench honour the URL payload that loads the development extension.
    server = await startCodeServer({ port: await freePort(), userDataDir, extensionsDir, smokeTestDriver: true, onOutput: (line) => log.write(`${line}\n`) });
    const host = new URL(server.url).host;
    const devPath = path.resolve(options.extensionDevelopmentPath ?? REPO_ROOT);
    const query = new URLSearchParams({ folder: workspace, payload: JSON.stringify([['extensionDevelopmentPath', `vscode-remote://${host}${devPath}`]]) });
    context = await chromium.launchPersistentContext(profileDir, { executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, viewport: { width: 1400, height: 900 } });
    const page = context.pages()[0] ?? (await context.newPage());
    page.on('console', (message) => log.write(`[browser ${message.type()}] ${message.text()}\n`));
    await page.goto(`${server.url}/?${query.toString()}`);
    await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The status bar appears once the workbench has restored; commands are reliable from then on.
    await page.locator('.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
    return workbenchApi(page, workspace, artifactsDir, close);
  } catch (e) {
    await close();
    throw e;
  }
}

function workbenchApi(page: Page, workspace: string, artifactsDir: string, close: () => Promise<void>): Workbench {
  const quickInput = page.locator('.quick-input-widget');
  const quickInputBox = quickInput.locator('input.input');
  return {
    page,
    workspace,
    artifactsDir,
    async runCommand(title) {
      // Right after start the palette can open before its command list is ready (and reset what was typed),
      // so an attempt that shows no matching row is retried.
      const row = quickInput.locator('.monaco-list-row', { hasText: title }).first();
      for (let attempt = 1; ; attempt++) {
        await page.keyboard.press('Escape');
        await page.keyboard.press('F1');
        await quickInputBox.waitFor({ state: 'visible' });
        await quickInputBox.fill(`>${title}`);
        try {
          await row.waitFor({ state: 'visible', timeout: 5_000 });
          break;
        } catch (e) {
          if (attempt >= 6) {
            throw new Error(`No command titled "${title}" in the command palette.`, { cause: e });
          }
        }
      }
      await row.click();
    },
    async answerQuickInput(title, text) {
      // Wait for this prompt's own title: typing into the previous prompt while it closes loses the text.
      const titled = quickInput.locator('.quick-input-title', { hasText: title });
      await titled.waitFor({ state: 'visible' });
      await quickInputBox.fill(text);
      await quickInputBox.press('Enter');
      await titled.waitFor({ state: 'hidden' });
    },
    async waitForNotification(pattern, timeoutMs = 60_000) {
      // A headless window may not show a toast (the notification goes straight to the notification centre),
      // but every notification is also announced in the workbench's aria alert region, so look in both.
      const message = page.locator('.notification-list-item-message, .monaco-aria-container .monaco-alert').filter({ hasText: pattern }).first();
      await message.waitFor({ state: 'attached', timeout: timeoutMs });
      return (await message.textContent()) ?? '';
    },
    async screenshot(name) {
      const file = path.join(artifactsDir, `${name}.png`);
      await page.screenshot({ path: file });
      return file;
    },
    close,
  };
}
