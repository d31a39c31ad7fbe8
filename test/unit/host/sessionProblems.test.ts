import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LinkerError } from '../../../src/core/errors';
import { describeLoadFailure, describeSkippedRecords } from '../../../src/host/linking/sessionProblems';

const kbRecordError = (): LinkerError =>
  new LinkerError('kbRecord', 'Bad KB record: line is not JSON.', { location: { file: '/ws/kb.jsonl', line: 3 }, hint: 'Fix the line. (Load leniently to skip bad records and list them in the report.)' });

void test('a bad KB record is named a KB failure with file and line, and the way out is the setting, not the CLI wording', () => {
  const failure = describeLoadFailure(kbRecordError(), { kbSources: [{ path: '/ws/kb.jsonl', format: 'jsonl' }] });
  assert.match(failure.message, /^Entity Linker: the KB could not be loaded\. \/ws\/kb\.jsonl:3: Bad KB record: line is not JSON\. Fix the line\./);
  assert.match(failure.message, /entityLinker\.kb\.lenient/);
  assert.doesNotMatch(failure.message, /Load leniently|Linking the document/);
  assert.deepEqual(failure.problem, { file: '/ws/kb.jsonl', line: 3 });
  assert.equal(failure.kbRecord, true);
});

void test('a missing KB file is a KB failure; a model failure is named as one; with lenient on the setting is not suggested', () => {
  const missing = describeLoadFailure(new LinkerError('inputMissing', 'No such file.', { location: { file: '/ws/gone.jsonl' } }), { kbSources: [{ path: '/ws/gone.jsonl', format: 'jsonl' }] });
  assert.match(missing.message, /the KB could not be loaded/);
  assert.deepEqual(missing.problem, { file: '/ws/gone.jsonl' });
  const model = describeLoadFailure(new LinkerError('modelMissing', 'No model.onnx in /m.'), {});
  assert.match(model.message, /^Entity Linker: the model could not be loaded\./);
  assert.equal(model.problem, undefined);
  assert.doesNotMatch(describeLoadFailure(kbRecordError(), { strict: false }).message, /kb\.lenient/);
});

void test('the skipped-records notice counts them and names the first', () => {
  assert.match(describeSkippedRecords({ count: 2, first: [{ file: '/ws/kb.jsonl', line: 3, reason: 'line is not JSON' }] }), /without 2 bad records .* The first: \/ws\/kb\.jsonl:3: line is not JSON\.$/);
});
