import { parentPort } from 'node:worker_threads';
import type { Logger } from '../log';
import { isWorkerInbound, type WorkerOutbound, type WorkerRequest } from './linkerProtocol';
import { LinkerRequestHandler } from './linkerRequestHandler';
import { serializeError } from './workerErrors';

/**
 * The linker worker thread's entry: the KB, the encoder, the index and the linker live here, so linking a
 * document never blocks the extension host's event loop. Messages follow linkerProtocol.ts.
 */
function main(): void {
  const port = parentPort;
  if (port === null) throw new Error('linkerWorker.js must run as a worker thread.');
  const post = (message: WorkerOutbound): void => port.postMessage(message);
  const logger = portLogger(post);
  const handler = new LinkerRequestHandler(logger);
  const inFlight = new Map<number, { controller: AbortController; done: Promise<unknown> }>();

  port.on('message', (message: unknown) => {
    if (!isWorkerInbound(message)) {
      logger.warn(`linker worker: ignored a malformed message ${JSON.stringify(message)?.slice(0, 200)}`);
      return;
    }
    if (message.kind === 'cancel') {
      inFlight.get(message.id)?.controller.abort();
      return;
    }
    if (message.kind === 'close') {
      const running = [...inFlight.values()];
      for (const r of running) r.controller.abort();
      // Cancelled work stops at its next check; a native call already started finishes first.
      void Promise.allSettled(running.map((r) => r.done))
        .then(() => handler.dispose())
        .catch((e: unknown) => logger.warn(`linker worker: releasing the session failed: ${(e as Error).message}`))
        .finally(() => post({ kind: 'closed' }));
      return;
    }
    const request: WorkerRequest = message;
    const controller = new AbortController();
    const done = handler
      .handle(request, controller.signal, (p) => post({ kind: 'progress', id: request.id, ...p }))
      .then(
        (result) => post({ kind: 'response', id: request.id, ok: true, result }),
        (e: unknown) => post({ kind: 'response', id: request.id, ok: false, error: serializeError(e) }),
      )
      .finally(() => inFlight.delete(request.id));
    inFlight.set(request.id, { controller, done });
  });
}

function portLogger(post: (message: WorkerOutbound) => void): Logger {
  return {
    trace: (message) => post({ kind: 'log', level: 'trace', message }),
    debug: (message) => post({ kind: 'log', level: 'debug', message }),
    info: (message) => post({ kind: 'log', level: 'info', message }),
    warn: (message) => post({ kind: 'log', level: 'warn', message }),
    error: (message) => post({ kind: 'log', level: 'error', message: message instanceof Error ? (message.stack ?? message.message) : message }),
  };
}

main();
