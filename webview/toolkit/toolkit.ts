// The only place the webview imports @vscode/webview-ui-toolkit (deprecated upstream): a swap to another
// component set touches this folder alone. Everything else uses the factories below.
import {
  provideVSCodeDesignSystem,
  vsCodeBadge,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDivider,
  vsCodePanels,
  vsCodePanelTab,
  vsCodePanelView,
  vsCodeProgressRing,
  vsCodeTag,
} from '@vscode/webview-ui-toolkit';
import { custom, type Child } from '../dom';

let registered = false;

export function registerToolkit(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(vsCodeBadge(), vsCodeButton(), vsCodeCheckbox(), vsCodeDivider(), vsCodePanels(), vsCodePanelTab(), vsCodePanelView(), vsCodeProgressRing(), vsCodeTag());
}

export type ButtonAppearance = 'primary' | 'secondary' | 'icon';

export function button(label: string, onClick: () => void, options: { appearance?: ButtonAppearance; title?: string; testId?: string } = {}): HTMLElement {
  const attrs: Record<string, string> = { appearance: options.appearance ?? 'secondary' };
  if (options.title !== undefined) {
    attrs['title'] = options.title;
    attrs['aria-label'] = options.title;
  }
  if (options.testId !== undefined) attrs['data-action'] = options.testId;
  return custom('vscode-button', { attrs, on: { click: () => onClick() } }, label);
}

export function tag(text: string, className?: string): HTMLElement {
  return custom('vscode-tag', { class: className }, text);
}

export function badge(text: string): HTMLElement {
  return custom('vscode-badge', {}, text);
}

export function divider(): HTMLElement {
  return custom('vscode-divider', { attrs: { role: 'separator' } });
}

export function progressRing(): HTMLElement {
  return custom('vscode-progress-ring', { attrs: { 'aria-label': 'Working' } });
}

export function checkbox(label: string, checked: boolean, onChange: (checked: boolean) => void): HTMLElement {
  const box = custom('vscode-checkbox', { on: { change: (e) => onChange((e.target as HTMLInputElement).checked) } }, label);
  if (checked) box.setAttribute('checked', '');
  return box;
}

export interface Tab {
  readonly id: string;
  readonly label: string;
  readonly content: Child;
}

/** Tabs (vscode-panels); `onChange` gets the id of the tab shown. Arrow keys move between tabs. */
export function tabs(items: readonly Tab[], active: string, onChange: (id: string) => void): HTMLElement {
  const panels = custom('vscode-panels', { attrs: { activeid: `tab-${active}`, 'aria-label': 'Corpus views' } });
  for (const t of items) panels.appendChild(custom('vscode-panel-tab', { attrs: { id: `tab-${t.id}` } }, t.label));
  for (const t of items) panels.appendChild(custom('vscode-panel-view', { attrs: { id: `view-${t.id}` } }, t.content));
  panels.addEventListener('change', () => {
    const id = (panels as HTMLElement & { activeid?: string }).activeid;
    if (typeof id === 'string' && id.startsWith('tab-')) onChange(id.slice(4));
  });
  // In a narrow panel the strip scrolls sideways (panel.css); when the panel narrows (a text opened beside it), the
  // active tab would be left scrolled out of sight, so the strip follows it.
  new ResizeObserver(() => revealActiveTab(panels)).observe(panels);
  return panels;
}

function revealActiveTab(panels: HTMLElement): void {
  const strip = panels.shadowRoot?.querySelector<HTMLElement>('[part="tablist"]');
  const tab = panels.querySelector<HTMLElement>(`#${panels.getAttribute('activeid') ?? ''}`);
  if (strip === null || strip === undefined || tab === null) return;
  const s = strip.getBoundingClientRect();
  const t = tab.getBoundingClientRect();
  if (t.right > s.right) strip.scrollLeft += t.right - s.right;
  else if (t.left < s.left) strip.scrollLeft -= s.left - t.left;
}

/** Shows a tab of a `tabs` element. */
export function selectTab(panels: HTMLElement, id: string): void {
  panels.setAttribute('activeid', `tab-${id}`);
  panels.querySelector<HTMLElement>(`#tab-${id}`)?.focus();
}
