import assert from 'node:assert/strict';
import { test } from 'node:test';
import { codeSpan, escapeMarkdown } from '../../../src/host/editor/markdownEscape';

void test('KB text cannot become a link, a command, an image or HTML in a hover', () => {
  const hostile = 'Evil [click](command:workbench.action.terminal.new) ![x](http://e/x.png) <img src=x onerror=alert(1)> **bold** `code`';
  const escaped = escapeMarkdown(hostile);
  assert.doesNotMatch(escaped, /(^|[^\\])\[/, 'every [ is escaped');
  assert.doesNotMatch(escaped, /(^|[^\\])</, 'every < is escaped');
  assert.doesNotMatch(escaped, /(^|[^\\])\(/, 'every ( is escaped');
  assert.doesNotMatch(escaped, /(^|[^\\])`/, 'every backtick is escaped');
  // Removing the escapes gives the text back: nothing is lost, only neutralised.
  assert.equal(escaped.replace(/\\(.)/g, '$1'), hostile);
  assert.equal(escapeMarkdown('line one\nline two'), 'line one line two');
});

void test('a code span cannot be closed early by the text inside it', () => {
  assert.equal(codeSpan('Q42'), '`Q42`');
  assert.equal(codeSpan('a`b\nc'), '`a b c`');
});
