import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../fixtures/repoPaths';
import { noStack, runCli, scratch } from '../unit/cli/cliRun';

/**
 * The cache folder ($XDG_CACHE_HOME/entity-linker) damaged by hand: each file the CLI keeps there (KB snapshot,
 * name-index and word-frequency snapshots, embedding shards, index manifest, vectors, HNSW graph, verified
 * stamps) replaced in turn by a FIFO or a folder. A FIFO used to hang `link` for good: the cache files were opened
 * synchronously, so the main thread waited for a writer and not even Ctrl-C or SIGTERM was handled any more. Each
 * case must now end with the same links (the damaged file ignored or rebuilt) or a clear error naming the file.
 */
const modelBuilt = fs.existsSync(path.join(repoRoot, 'models/use-lite/model.onnx'));
const skip = process.platform === 'win32' ? 'no FIFOs on Windows' : modelBuilt ? false : 'the USE-lite model is not built (run `npm run build:model`)';

function filesBelow(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((d) => d.isFile()).map((d) => path.relative(dir, path.join(d.parentPath, d.name)));
}

for (const index of ['hnsw', 'exact'] as const) {
  void test(`link with the ${index} index ends with the same links or a clear error when a cache file is a FIFO or a folder`, { skip, timeout: 15 * 60_000 }, () => {
    const s = scratch('el-cache-');
    try {
      fs.writeFileSync(s.at('kb.jsonl'), ['{"id":"Q90","title":"Paris","text":"capital of France"}', '{"id":"Q142","title":"France","text":"a country in Europe"}', '{"id":"Q64","title":"Berlin","text":"capital of Germany"}'].join('\n'));
      fs.writeFileSync(s.at('doc.txt'), 'Paris is in France. Berlin is not.\n');
      const cache = s.at('cache');
      const args = ['link', 'doc.txt', '--kb', 'kb.jsonl', '--index', index, '--cache', cache, '--json'];
      const first = runCli(args, { cwd: s.dir });
      assert.equal(first.code, 0, first.stderr);
      const pristine = s.at('pristine');
      fs.cpSync(cache, pristine, { recursive: true });
      const files = filesBelow(pristine);
      assert.ok(files.some((f) => f.endsWith('.kbsnap')) && files.some((f) => f.endsWith('manifest.json')), files.join(', '));
      for (const file of files) {
        for (const damage of ['fifo', 'folder'] as const) {
          fs.rmSync(cache, { recursive: true, force: true });
          fs.cpSync(pristine, cache, { recursive: true });
          const target = path.join(cache, file);
          fs.rmSync(target);
          if (damage === 'fifo') execFileSync('mkfifo', [target]);
          else fs.mkdirSync(target);
          const r = runCli(args, { cwd: s.dir, timeoutMs: 60_000 });
          const what = `${file} as a ${damage}: exit ${r.code}, ${r.stderr}`;
          assert.equal(r.timedOut, false, `hung: ${what}`);
          assert.ok(noStack(r.stderr), what);
          if (r.code === 0) assert.equal(r.stdout, first.stdout, what);
          else assert.ok(r.code === 2 && r.stderr.includes(target), what);
        }
      }
    } finally {
      s.cleanup();
    }
  });
}
