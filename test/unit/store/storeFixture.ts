import * as fs from 'node:fs';
import * as path from 'node:path';
import { kbContentHash } from '../../../src/core/kb/kbContentHash';
import type { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { DEFAULT_TEMPLATE, entityText, templateId } from '../../../src/core/linker/textTemplates';
import type { FakeEncoder } from '../../fixtures/linker/fakeEncoder';

/** A KB's entity vectors (the fake encoder over the default entity text) and the stamp a store of them gets. */
export function storeFixture(kb: KnowledgeBase, encoder: FakeEncoder): { vectors: Float32Array; stamp: { modelId: string; kbHash: string; templateId: string; dims: number } } {
  const dims = encoder.dims;
  const vectors = new Float32Array(kb.size * dims);
  kb.entities.forEach((e, row) => vectors.set(encoder.vector(entityText(e)), row * dims));
  return { vectors, stamp: { modelId: encoder.modelId, kbHash: kbContentHash(kb), templateId: templateId(DEFAULT_TEMPLATE), dims } };
}

/** The repository root (the package root a session is opened with). */
export const PACKAGE_ROOT = path.resolve(__dirname, '../../../..');
/** Skip reason for a test that opens a real session (it needs the built USE-lite model), else false. */
export const NO_MODEL = fs.existsSync(path.join(PACKAGE_ROOT, 'models/use-lite/model.onnx')) ? false : 'the USE-lite model is not built (run `npm run build:model`)';
/** The three-entity KB of test/fixtures (Douglas Adams, Seven, Universe). */
export const FIXTURE_KB_FILE = path.join(PACKAGE_ROOT, 'test/fixtures/kb/entities.jsonl');
