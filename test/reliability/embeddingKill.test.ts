import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { embedAll } from '../../src/core/index/embeddingCache';
import { EMBED_KILL_BATCH, EMBED_KILL_DIMS, EMBED_KILL_TEXTS, fakeVector } from './embedLoopChild';

/**
 * Kills an embedding build with SIGKILL (no handler runs, unlike SIGINT) after some batches, then embeds the same
 * texts again: the vectors of every batch acknowledged before the kill must come from the cache (checkpoints),
 * only the rest is encoded, and the result equals a fresh run's.
 */
const CHILD = path.join(__dirname, 'embedLoopChild.js');

function killAfterBatches(cacheDir: string, batches: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CHILD, cacheDir], { stdio: ['ignore', 'pipe', 'pipe'] });
    let seen = 0;
    let buffer = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      buffer += d.toString();
      const lines = buffer.split('\n');
      buffer = lines.pop()!;
      for (const line of lines) {
        if (line.startsWith('batch ')) seen = Number(line.slice(6));
        if (seen >= batches) child.kill('SIGKILL');
      }
    });
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (_code, signal) => (signal === 'SIGKILL' ? resolve(seen) : reject(new Error(`the child was not killed: ${stderr}`))));
  });
}

void test('an embedding build killed with SIGKILL resumes from its checkpoints', async () => {
  const cacheDir = mkdtempSync(path.join(os.tmpdir(), 'el-embed-kill-'));
  try {
    const acknowledged = await killAfterBatches(cacheDir, 20);
    assert.ok(acknowledged >= 20 && acknowledged * EMBED_KILL_BATCH < EMBED_KILL_TEXTS.length, `killed after ${acknowledged} batches`);
    let encodedAgain = 0;
    const vectors = await embedAll({
      cacheDir,
      modelId: 'fake-kill-test',
      dims: EMBED_KILL_DIMS,
      texts: EMBED_KILL_TEXTS,
      batchSize: EMBED_KILL_BATCH,
      encode: async (texts) => {
        encodedAgain += texts.length;
        return texts.map(fakeVector);
      },
    });
    // The batch whose "batch n" line was printed may be the one cut by the kill before its checkpoint landed.
    const saved = EMBED_KILL_TEXTS.length - encodedAgain;
    assert.ok(saved >= (acknowledged - 1) * EMBED_KILL_BATCH, `${saved} vectors kept of ${acknowledged} batches acknowledged`);
    EMBED_KILL_TEXTS.forEach((t, i) => assert.deepEqual(vectors.subarray(i * EMBED_KILL_DIMS, (i + 1) * EMBED_KILL_DIMS), fakeVector(t)));
  } finally {
    rmSync(cacheDir, { recursive: true, force: true });
  }
});
