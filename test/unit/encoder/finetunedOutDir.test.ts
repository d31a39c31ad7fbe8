import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { checkModelOutDir, FINETUNED_KIND, MANIFEST_FILE } from '../../../src/core/encoder/finetuned/finetunedModel';
import { LinkerError } from '../../../src/core/errors';

const refused = (pattern: RegExp) => (e: unknown): boolean => LinkerError.is(e, 'usage') && pattern.test((e as Error).message);

void test('--overwrite replaces only an earlier fine-tuned model folder or an empty folder: never a file, a foreign folder or the parent model', () => {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'el-outdir-'));
  try {
    const at = (...p: string[]): string => path.join(root, ...p);
    assert.equal(checkModelOutDir(at('new')), false, 'a new path is fine');
    fs.writeFileSync(at('gold.jsonl'), '{}\n');
    assert.throws(() => checkModelOutDir(at('gold.jsonl'), { overwrite: true }), refused(/is not a folder \(a file\)/));
    fs.symlinkSync(at('gold.jsonl'), at('link'));
    assert.throws(() => checkModelOutDir(at('link'), { overwrite: true }), refused(/is not a folder \(a link\)/));
    fs.mkdirSync(at('notes'));
    fs.writeFileSync(at('notes', 'todo.txt'), 'keep me');
    assert.throws(() => checkModelOutDir(at('notes')), refused(/already exists/));
    assert.throws(() => checkModelOutDir(at('notes'), { overwrite: true }), refused(/is not a fine-tuned model folder/));
    fs.mkdirSync(at('empty'));
    assert.equal(checkModelOutDir(at('empty'), { overwrite: true }), true);
    fs.mkdirSync(at('model'));
    fs.writeFileSync(at('model', MANIFEST_FILE), JSON.stringify({ kind: FINETUNED_KIND }));
    assert.equal(checkModelOutDir(at('model'), { overwrite: true }), true);
    assert.throws(() => checkModelOutDir(at('model'), { overwrite: true, parentDir: at('model') }), refused(/is the model being fine-tuned/));
    assert.equal(fs.readFileSync(at('gold.jsonl'), 'utf8'), '{}\n', 'nothing touched');
    assert.equal(fs.readFileSync(at('notes', 'todo.txt'), 'utf8'), 'keep me');
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
