import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../../fixtures/repoPaths';
import { noStack, runCli, scratch } from './cliRun';

// --cuda-provider-dir reaches the check before onnxruntime loads: an explicit cuda with an unusable folder fails
// with what is missing, on the CLI's encoder-loading commands (compare; link through the shared engine options).
const noModel = fs.existsSync(path.join(repoRoot, 'models/use-lite/model.onnx')) ? false : 'the USE-lite model is not built (run `npm run build:model`)';

void test('the shared engine options and compare list --cuda-provider-dir', () => {
  for (const cmd of ['link', 'compare']) {
    const r = runCli([cmd, '--help']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /--cuda-provider-dir DIR/, cmd);
  }
});

void test('compare --provider cuda with a folder that does not exist: an error naming the folder, no stack', { skip: noModel }, () => {
  const s = scratch();
  try {
    const r = runCli(['compare', 'a', 'b', '--provider', 'cuda', '--cuda-provider-dir', s.at('missing')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, new RegExp(`the folder ${s.at('missing').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} does not exist`));
    assert.ok(noStack(r.stderr), r.stderr);
  } finally {
    s.cleanup();
  }
});

void test('link --provider cuda with a folder missing the CUDA provider library: the file and the folder are named', { skip: noModel }, () => {
  const s = scratch();
  try {
    fs.mkdirSync(s.at('ort'));
    fs.writeFileSync(s.at('ort', 'libonnxruntime_providers_shared.so'), '');
    fs.writeFileSync(s.at('kb.jsonl'), `${JSON.stringify({ id: 'Q90', title: 'Paris', text: 'capital of France' })}\n`);
    fs.writeFileSync(s.at('doc.txt'), 'Paris is big.\n');
    const r = runCli(['link', s.at('doc.txt'), '--kb', `jsonl:${s.at('kb.jsonl')}`, '--cache', s.at('cache'), '--index', 'exact', '--provider', 'cuda', '--cuda-provider-dir', s.at('ort')]);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /libonnxruntime_providers_cuda\.so is missing from .*ort \(it holds: libonnxruntime_providers_shared\.so\)/);
    assert.ok(noStack(r.stderr), r.stderr);
  } finally {
    s.cleanup();
  }
});
