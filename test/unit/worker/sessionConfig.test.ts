import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { LinkingSessionConfig, LinkingSessionOptions } from '../../../src/core/session/linkingSession';
import type { WorkerRequest } from '../../../src/core/worker/linkerProtocol';

type OpenOptions = Extract<WorkerRequest, { kind: 'open' }>['options'];
/** What stays in the thread that opens a session; everything else crosses to the worker. */
type ThreadOnly = 'logger' | 'onProgress' | 'signal';
/** true when A and B are the same type (every key, optionality, readonly and value type), else false. */
type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;

void test("the worker's open request carries the session config as is: every option but the logger, progress callback and signal, structured-cloneable", () => {
  // A compile-time check (typecheck fails otherwise): the open request's options are the session's options less
  // the thread-only ones, field for field. A protocol copy once dropped hnswParams and the linker's text template.
  const sameShape: Same<OpenOptions, Omit<LinkingSessionOptions, ThreadOnly>> = true;
  assert.equal(sameShape, true);
  const everyField: Record<Exclude<keyof LinkingSessionOptions, ThreadOnly>, unknown> & LinkingSessionConfig = {
    kbSources: [{ path: 'kb.jsonl', format: 'jsonl' }],
    kbConfig: 'kb.json',
    strict: false,
    modelDir: '/models/m',
    packageRoot: '/ext',
    provider: 'cpu',
    cudaProviderDir: '/opt/onnxruntime-linux-x64-gpu-1.30.0/lib',
    threads: 2,
    precision: 'int8',
    cacheDir: '/cache',
    indexKind: 'exact',
    kbStore: 'postgres://linker@db.example:5432/kb?schema=wiki',
    kbStorePassword: 'from-secret-storage',
    buildStore: { vectorType: 'halfvec', batchSize: 500 },
    hnswParams: { efSearch: 300 },
    linkerOptions: { topK: 8, template: { contextWords: 16, entityWords: 32, entityChars: 400, markers: ['[', ']'], separator: ' | ' } },
  };
  const options: OpenOptions = everyField;
  const request: WorkerRequest = { id: 1, kind: 'open', options };
  assert.deepEqual(structuredClone(request), request);
});
