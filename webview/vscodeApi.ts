/** What VS Code injects into a webview: the message port to the host and a per-panel state slot. */
export interface VsCodeApi {
  postMessage(message: unknown): void;
  getState(): unknown;
  setState(state: unknown): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

/** May be called once per page load (VS Code throws on a second call), so main.ts calls it and passes it on. */
export function acquireApi(): VsCodeApi {
  return acquireVsCodeApi();
}
