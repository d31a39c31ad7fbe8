import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { loadEncoder } from '../../../src/core/encoder/loadEncoder';
import { ExactIndex } from '../../../src/core/index/exactIndex';
import type { Entity } from '../../../src/core/kb/entity';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { silentLogger } from '../../../src/core/log';
import { Linker } from '../../../src/core/linker/linker';
import { entityText } from '../../../src/core/linker/textTemplates';
import { sharedMissing } from '../../fixtures/repoPaths';

// out/test/unit/linker -> repository root
const ROOT = path.resolve(__dirname, '../../../..');
const DATA = path.resolve(ROOT, '../shared/data/emerson');
const MODEL = path.join(ROOT, 'models/use-lite');

// sharedMissing: a visible skip without ../shared/data, a failure on CI (where the data is always present).
const skip = sharedMissing('emerson', 'entities.csv') ||
  (!existsSync(path.join(MODEL, 'model.onnx'))
    ? `no built model at ${MODEL} (run: node out/scripts/buildModel.js)`
    : false);

/** entities.csv is three quoted fields per line (QID,name,description), no header: parsed minimally here. */
function readEntities(file: string): Entity[] {
  return readFileSync(file, 'utf8')
    .split(/\r?\n/)
    .filter((l) => l.trim().length > 0)
    .map((l) => {
      const cells = [...l.matchAll(/"((?:[^"]|"")*)"/g)].map((m) => m[1].replace(/""/g, '"'));
      return { id: cells[0], title: cells[1], text: cells[2], aliases: [] };
    });
}

void test('Emerson: linking each gold span with USE-lite picks the right Emerson (>= 27 of 30)', { skip }, async () => {
  const kb = new KnowledgeBase('emerson', readEntities(path.join(DATA, 'entities.csv')));
  assert.equal(kb.size, 3);
  const encoder = await loadEncoder(MODEL, { provider: 'cpu', logger: silentLogger });
  try {
    const vecs = await encoder.encode(kb.entities.map((e) => entityText(e)));
    const flat = new Float32Array(vecs.length * encoder.dims);
    vecs.forEach((v, i) => flat.set(v, i * encoder.dims));
    const linker = new Linker({ kb, encoder, index: new ExactIndex(flat, encoder.dims) });
    const records = readFileSync(path.join(DATA, 'emerson_annotated_text.jsonl'), 'utf8')
      .split('\n')
      .filter((l) => l.trim().length > 0)
      .map((l) => JSON.parse(l) as { text: string; spans: { start: number; end: number }[]; accept: string[]; answer: string });
    let total = 0;
    let correct = 0;
    for (const r of records) {
      if (r.answer !== 'accept' || r.spans.length === 0) continue;
      const [m] = await linker.linkSpans(r.text, [{ start: r.spans[0].start, end: r.spans[0].end }]);
      total++;
      if (!m.nil && m.candidates[0].id === r.accept[0]) correct++;
    }
    assert.equal(total, 30);
    assert.ok(correct >= 27, `${correct} of ${total} correct`);
  } finally {
    await encoder.dispose();
  }
});
