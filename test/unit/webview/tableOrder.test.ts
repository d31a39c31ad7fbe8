import assert from 'node:assert/strict';
import { test } from 'node:test';
import { orderRows } from '../../../webview/tableOrder';

interface Row {
  readonly document: string;
  readonly f1: number;
}

/** The Agreement tab's rows: the pooled "overall" first, then the documents. */
const overall: Row = { document: 'overall', f1: 0.5 };
const rows: readonly Row[] = [overall, { document: 'b.txt', f1: 0.9 }, { document: 'a.txt', f1: 0.1 }, { document: 'z.txt', f1: 0.5 }];
const isOverall = (r: Row): boolean => r === overall;

void test('the pinned overall row stays first whatever the column and direction of the sort', () => {
  const byName = { key: (r: Row) => r.document, descending: false };
  const byF1 = { key: (r: Row) => r.f1, descending: true };
  assert.deepEqual(orderRows(rows, byName, isOverall).map((r) => r.document), ['overall', 'a.txt', 'b.txt', 'z.txt']);
  assert.deepEqual(orderRows(rows, { ...byName, descending: true }, isOverall).map((r) => r.document), ['overall', 'z.txt', 'b.txt', 'a.txt']);
  assert.deepEqual(orderRows(rows, byF1, isOverall).map((r) => r.document), ['overall', 'b.txt', 'z.txt', 'a.txt']);
  assert.deepEqual(orderRows(rows, { ...byF1, descending: false }, isOverall).map((r) => r.document), ['overall', 'a.txt', 'z.txt', 'b.txt']);
});

void test('without a pin the sort places every row by its key (the summary row moves among the documents)', () => {
  assert.deepEqual(orderRows(rows, { key: (r: Row) => r.document, descending: false }).map((r) => r.document), ['a.txt', 'b.txt', 'overall', 'z.txt']);
});

void test('no sort column: the given order, pinned rows first; equal keys keep their order', () => {
  assert.deepEqual(orderRows([...rows].reverse(), undefined, isOverall).map((r) => r.document), ['overall', 'z.txt', 'a.txt', 'b.txt']);
  assert.deepEqual(orderRows(rows, { key: (r: Row) => r.f1, descending: false }).map((r) => r.document), ['a.txt', 'overall', 'z.txt', 'b.txt']);
});
