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
