import assert from 'node:assert/strict';
import * as path from 'node:path';
import { test } from 'node:test';
import { placeModelPath } from '../../../src/host/training/modelPathSetting';

const ws = path.resolve('/work/project');

void test('a model inside the workspace is written relative to it, in the workspace settings', () => {
  assert.deepEqual(placeModelPath(path.join(ws, 'models', 'ft-1'), ws, { trusted: true }), { target: 'workspace', value: 'models/ft-1', clearOther: false });
});

void test('a model outside the workspace (global storage) never lands in the workspace settings as an absolute path', () => {
  const storage = path.resolve('/home/u/.config/Code/User/globalStorage/x/models/ft-2');
  const placed = placeModelPath(storage, ws, { trusted: true });
  assert.deepEqual(placed, { target: 'user', value: storage, clearOther: true });
  // Asked for the workspace explicitly: a relative path, usable with the same layout.
  const explicit = placeModelPath(path.resolve('/work/models/ft-3'), ws, { target: 'workspace', trusted: true });
  assert.deepEqual(explicit, { target: 'workspace', value: '../models/ft-3', clearOther: false });
  assert.ok(!path.isAbsolute(explicit.value ?? ''));
});

void test('untrusted or no workspace: the user settings; the built-in model clears both scopes', () => {
  assert.deepEqual(placeModelPath(path.join(ws, 'm'), ws, { trusted: false }), { target: 'user', value: path.join(ws, 'm'), clearOther: false });
  assert.deepEqual(placeModelPath(path.join(ws, 'm'), undefined, { trusted: true }), { target: 'user', value: path.join(ws, 'm'), clearOther: false });
  assert.deepEqual(placeModelPath(undefined, ws, { trusted: true }), { target: 'workspace', value: undefined, clearOther: true });
  assert.deepEqual(placeModelPath(undefined, ws, { target: 'user', trusted: true }), { target: 'user', value: undefined, clearOther: false });
});
