import type { Frame, Page } from 'playwright-core';
import type { Workbench } from './workbench';

/** The webview frame (VS Code nests the content in an inner iframe) that holds `selector`; undefined after the timeout. */
export async function findWebviewFrame(page: Page, selector: string, timeoutMs: number): Promise<Frame | undefined> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    await page.waitForTimeout(250);
  }
  return undefined;
}

/** As findWebviewFrame, but a missing webview is an error. */
export async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const frame = await findWebviewFrame(page, selector, timeoutMs);
  if (frame === undefined) throw new Error(`no webview shows ${selector}`);
  return frame;
}

/** Picks a colour theme through the command palette, as a user would. */
export async function setTheme(wb: Workbench, theme: string): Promise<void> {
  await wb.runCommand('Preferences: Color Theme');
  const box = wb.page.locator('.quick-input-widget input.input');
  await box.fill(theme);
  await wb.page.locator('.quick-input-widget .monaco-list-row', { hasText: theme }).first().waitFor({ state: 'visible' });
  await box.press('Enter');
  await wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Polls `check` until it holds. */
export async function until(what: string, check: () => boolean, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}
