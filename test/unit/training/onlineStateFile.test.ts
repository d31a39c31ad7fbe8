import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { OnlineLearner } from '../../../src/core/learning/onlineLearner';
import { DEFAULT_RANKER_WEIGHTS } from '../../../src/core/linker/defaultRankerWeights';
import { onlineStateFileFor, readOnlineLearner, writeOnlineLearner } from '../../../src/core/training/onlineStateFile';

/**
 * A cloned repository can hold `.entity-links/.online-learning.json -> ~/.ssh/id_rsa` (or any secret): the state
 * file is refused unread when it is a symbolic link, naming the link and its target, and never written through.
 */
void test('an online learning state that is a symbolic link is refused unread and never written through', async () => {
  const root = fs.mkdtempSync(path.join(tmpdir(), 'el-online-'));
  try {
    const file = onlineStateFileFor(root);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    // The target is a valid state, so only a refusal (not a parse error) tells the link was not read.
    const secret = path.join(root, 'secret.json');
    const content = `${JSON.stringify(new OnlineLearner({ base: DEFAULT_RANKER_WEIGHTS }).toJSON())}\n`;
    fs.writeFileSync(secret, content);
    fs.symlinkSync(secret, file);
    await assert.rejects(readOnlineLearner(file, DEFAULT_RANKER_WEIGHTS), (e: unknown) => {
      assert.ok(LinkerError.is(e), String(e));
      assert.equal(e.location.file, file);
      assert.match(e.message, /is a symbolic link to .*secret\.json, not a regular file; it was not read/);
      assert.ok(!e.message.includes('"version"'), 'nothing of the target is shown');
      return true;
    });
    await assert.rejects(writeOnlineLearner(file, new OnlineLearner({ base: DEFAULT_RANKER_WEIGHTS }).toJSON()), (e: unknown) => LinkerError.is(e) && /symbolic link/.test(e.message));
    assert.equal(fs.readFileSync(secret, 'utf8'), content);
    assert.ok(fs.lstatSync(file).isSymbolicLink());
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});

void test('a folder in place of the online learning state is refused, naming it; no file is no state', async () => {
  const root = fs.mkdtempSync(path.join(tmpdir(), 'el-online-'));
  try {
    const file = onlineStateFileFor(root);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.mkdirSync(file);
    await assert.rejects(readOnlineLearner(file, DEFAULT_RANKER_WEIGHTS), (e: unknown) => LinkerError.is(e) && e.location.file === file && /is a folder, not a regular file/.test(e.message));
    assert.equal(await readOnlineLearner(path.join(root, 'none.json'), DEFAULT_RANKER_WEIGHTS), undefined);
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
});
