/**
 * The only way the webview makes elements. Strings always become text nodes (never markup), attributes are
 * set one by one, and there is no innerHTML anywhere: KB titles and descriptions are untrusted input.
 */
export type Child = Node | string | number | null | undefined | false;

export interface Props {
  readonly class?: string;
  readonly attrs?: Readonly<Record<string, string>>;
  readonly on?: { readonly [K in keyof HTMLElementEventMap]?: (event: HTMLElementEventMap[K]) => void };
}

export function h<K extends keyof HTMLElementTagNameMap>(tag: K, props: Props = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  return fill(document.createElement(tag), props, children);
}

/** A custom element (the toolkit's vscode-*). */
export function custom(tag: string, props: Props = {}, ...children: Child[]): HTMLElement {
  return fill(document.createElement(tag), props, children);
}

function fill<E extends HTMLElement>(el: E, props: Props, children: readonly Child[]): E {
  if (props.class !== undefined) el.className = props.class;
  for (const [name, value] of Object.entries(props.attrs ?? {})) {
    // Event-handler attributes would be script: never set them from data.
    if (/^on/i.test(name)) throw new Error(`refusing to set the attribute ${name}`);
    el.setAttribute(name, value);
  }
  for (const [type, listener] of Object.entries(props.on ?? {})) {
    if (listener !== undefined) el.addEventListener(type, listener as EventListener);
  }
  append(el, ...children);
  return el;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
  }
}

export function clear(el: Element): void {
  while (el.firstChild !== null) el.removeChild(el.firstChild);
}

export function fixed(x: number | undefined, digits = 3): string {
  return x === undefined || !Number.isFinite(x) ? '–' : x.toFixed(digits);
}

export function percent(x: number): string {
  return `${(100 * x).toFixed(1)} %`;
}
