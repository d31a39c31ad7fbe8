import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isHostMessage, isPanelState, isWebviewMessage } from '../../../src/shared/protocol';

const REF = { uri: 'file:///w/a.txt', start: 3, end: 9, annotationId: 'x' };

void test('webview messages: well-formed ones pass', () => {
  for (const m of [
    { type: 'ready' },
    { type: 'request', id: 1, request: { method: 'entity', params: { id: 'Q1' } } },
    { type: 'request', id: 2, request: { method: 'relabel', params: { ref: REF, kbId: 'Q2' } } },
    { type: 'request', id: 3, request: { method: 'declareDuplicate', params: { ref: REF, entityId: 'Q3' } } },
    { type: 'request', id: 4, request: { method: 'refresh', params: {} } },
    { type: 'response', id: 5, ok: true, result: { view: 'mention', columns: [], rows: [] } },
    { type: 'response', id: 6, ok: false, error: 'no table' },
    { type: 'rendered', view: 'corpus', rows: 100, ms: 12.5, candidateIds: [] },
  ]) {
    assert.equal(isWebviewMessage(m), true, JSON.stringify(m));
  }
});

void test('webview messages: malformed or unknown ones are refused', () => {
  for (const m of [
    null,
    'ready',
    [],
    { type: 'hello' },
    { type: 'request', id: -1, request: { method: 'entity', params: { id: 'Q1' } } },
    { type: 'request', id: 1.5, request: { method: 'entity', params: { id: 'Q1' } } },
    { type: 'request', id: 1, request: { method: 'entity', params: { id: '' } } },
    { type: 'request', id: 1, request: { method: 'eval', params: { code: '1' } } },
    { type: 'request', id: 1, request: { method: 'relabel', params: { ref: { ...REF, end: 1 }, kbId: 'Q2' } } },
    { type: 'request', id: 1, request: { method: 'relabel', params: { ref: { ...REF, uri: 7 }, kbId: 'Q2' } } },
    { type: 'request', id: 1, request: { method: 'markNil', params: {} } },
    { type: 'request', id: 1, request: { method: 'refresh', params: { extra: 1 } } },
    { type: 'response', id: 1, ok: false },
    { type: 'response', id: 1, ok: true },
    { type: 'rendered', view: 'other', rows: 1, ms: 1, candidateIds: [] },
    { type: 'rendered', view: 'mention', rows: 1, ms: Number.NaN, candidateIds: [] },
  ]) {
    assert.equal(isWebviewMessage(m), false, JSON.stringify(m));
  }
});

void test('host messages and panel state', () => {
  assert.equal(isHostMessage({ type: 'show', data: { view: 'empty', title: 't', message: 'm' } }), true);
  assert.equal(isHostMessage({ type: 'show', data: { view: 'mention', data: { ref: REF, text: 'a', before: '', after: '', negatives: [], duplicateIds: [] } } }), true);
  assert.equal(isHostMessage({ type: 'show', data: { view: 'mention', data: { ref: REF } } }), false);
  assert.equal(isHostMessage({ type: 'request', id: 1, request: { method: 'table', params: {} } }), true);
  assert.equal(isHostMessage({ type: 'request', id: 1, request: { method: 'other', params: {} } }), false);
  assert.equal(isHostMessage({ type: 'busy', message: 'linking', done: 1, total: 2 }), true);
  assert.equal(isPanelState({ view: 'mention', ref: REF }), true);
  assert.equal(isPanelState({ view: 'mention' }), false);
  assert.equal(isPanelState({ view: 'corpus', ui: { tab: 'pairs', page: 2 } }), true);
  assert.equal(isPanelState({ view: 'nothing' }), false);
});
