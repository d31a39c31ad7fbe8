import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';

/**
 * A model folder damaged by hand: each file the model loaders read (ranker.json, learned.json, manifest.json, the
 * ONNX model, a fine-tuned head) replaced in turn by a FIFO or a folder. The asynchronous reads used to wait on a
 * FIFO for good, holding a libuv threadpool thread (four such reads held the whole pool, and every later file
 * read with it), and the synchronous ones blocked the main thread. Each load runs in a child process with a
 * timeout, so a hang fails the test instead of hanging it; each must end at once with an error naming the file.
 */
const skip = process.platform === 'win32' ? 'no FIFOs on Windows' : false;
const src = path.join(__dirname, '../../src/core');

const loaders: Record<string, string> = {
  'ranker.json': `require(${JSON.stringify(path.join(src, 'linker/ranker.js'))}).loadRankerWeights(dir)`,
  'learned.json': `require(${JSON.stringify(path.join(src, 'training/modelLearnedState.js'))}).readModelLearnedState(dir)`,
  'manifest.json': `require(${JSON.stringify(path.join(src, 'encoder/useLite/useLiteModel.js'))}).readUseLiteManifest(dir)`,
  'manifest.json (kind)': `Promise.resolve().then(() => require(${JSON.stringify(path.join(src, 'encoder/loadEncoder.js'))}).detectModelFolder(dir))`,
  'model.onnx': `require(${JSON.stringify(path.join(src, 'encoder/onnxSession.js'))}).createOnnxSession(require('node:path').join(dir, 'model.onnx'), { provider: 'cpu', logger: require(${JSON.stringify(path.join(src, 'log.js'))}).silentLogger })`,
  'model.onnx (sha256)': `require(${JSON.stringify(path.join(src, 'encoder/useLite/useLiteModel.js'))}).sha256OfFile(require('node:path').join(dir, 'model.onnx'))`,
  'head.bin': `Promise.resolve().then(() => require(${JSON.stringify(path.join(src, 'encoder/finetuned/finetunedModel.js'))}).readFinetunedModel(dir))`,
};

function load(dir: string, call: string): { code: number | null; out: string; timedOut: boolean } {
  const script = `const dir = ${JSON.stringify(dir)}; ${call}.then(() => { console.log('loaded'); process.exit(0); }, (e) => { console.log(e.message + ' @ ' + (e.location?.file ?? '')); process.exit(2); });`;
  const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8', timeout: 10_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}`, timedOut: r.error !== undefined || r.signal !== null };
}

void test('a FIFO or a folder in place of a model file is refused at once, naming the file', { skip, timeout: 120_000 }, () => {
  for (const [name, call] of Object.entries(loaders)) {
    for (const damage of ['fifo', 'folder'] as const) {
      const dir = fs.mkdtempSync(path.join(tmpdir(), 'el-model-'));
      try {
        const file = path.join(dir, name.split(' ')[0]!);
        if (name === 'head.bin') fs.writeFileSync(path.join(dir, 'manifest.json'), JSON.stringify({ kind: 'finetuned', dims: 4, parent: { path: '.' }, head: { file: 'head.bin', bytes: 4, sha256: 'x' } }));
        if (name === 'manifest.json (kind)' || name === 'manifest.json') fs.writeFileSync(path.join(dir, 'model.onnx'), '');
        if (damage === 'fifo') execFileSync('mkfifo', [file]);
        else fs.mkdirSync(file);
        const r = load(dir, call);
        const what = `${name} as a ${damage}: exit ${r.code}, ${r.out}`;
        assert.equal(r.timedOut, false, `hung: ${what}`);
        assert.equal(r.code, 2, what);
        assert.ok(r.out.includes(file) && r.out.includes(damage === 'fifo' ? 'FIFO' : 'folder'), what);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  }
});
