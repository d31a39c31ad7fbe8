import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EditorMention } from '../../../src/host/linking/editorMention';
import { documentChildren } from '../../../src/host/editor/mentionTreeNodes';

const URI = 'file:///w/doc.txt';
const mention = (start: number, status: EditorMention['status']): EditorMention => ({ start, end: start + 5, text: 'Apple', status, anchored: true }) as EditorMention;

test('a document without mentions shows a hint row saying what to do, not an empty node', () => {
  const children = documentChildren(URI, [], true, 'linux');
  assert.equal(children.length, 1);
  assert.deepEqual(children[0], { kind: 'hint', label: 'No mentions yet', description: 'select a name, then Link Selection (Ctrl+Alt+L)' });
  assert.match(JSON.stringify(documentChildren(URI, [], true, 'darwin')), /⌥⌘L/);
});

test('a document the linker does not follow says so', () => {
  const [hint] = documentChildren(URI, [], false, 'linux');
  assert.equal(hint?.kind, 'hint');
  assert.equal(hint.kind === 'hint' ? hint.label : '', 'Not linked');
});

test('mentions come grouped by status, review first, empty groups left out', () => {
  const children = documentChildren(URI, [mention(0, 'accepted'), mention(10, 'needsReview'), mention(20, 'accepted')], true, 'linux');
  assert.deepEqual(children.map((c) => (c.kind === 'group' ? [c.status, c.mentions.length] : c.kind)), [['needsReview', 1], ['accepted', 2]]);
});
