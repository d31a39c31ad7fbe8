import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { EntityHit } from '../../../src/core/worker/linkerProtocol';
import { attachLiveKbSearch, KB_SEARCH_LIMIT, type SearchablePicker } from '../../../src/host/editor/liveKbSearch';

/** A Quick Pick as the search sees it: typing calls the listener. */
class FakePicker implements SearchablePicker<string> {
  items: readonly string[] = ['own'];
  busy = false;
  private listener: ((value: string) => unknown) | undefined;
  onDidChangeValue(listener: (value: string) => unknown): { dispose(): void } {
    this.listener = listener;
    return { dispose: () => (this.listener = undefined) };
  }
  type(value: string): void {
    this.listener?.(value);
  }
  get listening(): boolean {
    return this.listener !== undefined;
  }
}

/** A KB search whose answers the test releases one by one. */
function deferredSearch() {
  const calls: { query: string; limit: number; signal: AbortSignal; resolve: (hits: EntityHit[]) => void; reject: (e: Error) => void }[] = [];
  const search = (query: string, limit: number, signal: AbortSignal): Promise<EntityHit[]> =>
    new Promise((resolve, reject) => calls.push({ query, limit, signal, resolve, reject }));
  return { calls, search };
}

const hit = (id: string): EntityHit => ({ id, title: id, snippet: '', aliases: [] });
const options = { idle: () => ['own'], withHits: (hits: readonly EntityHit[], query: string) => ['own', `search:${query}`, ...hits.map((h) => h.id)] };
const settle = () => new Promise((resolve) => setImmediate(resolve));

void test('a typed query searches the KB (busy meanwhile) and lists the hits after the picker\'s own items', async () => {
  const picker = new FakePicker();
  const { calls, search } = deferredSearch();
  attachLiveKbSearch(picker, search, options);
  picker.type('  paris ');
  assert.equal(picker.busy, true);
  assert.deepEqual(calls.map((c) => [c.query, c.limit]), [['paris', KB_SEARCH_LIMIT]]);
  calls[0]?.resolve([hit('Q90')]);
  await settle();
  assert.deepEqual(picker.items, ['own', 'search:paris', 'Q90']);
  assert.equal(picker.busy, false);
});

void test('a newer query aborts the one in flight, whose late answer is dropped; an emptied box shows the own items', async () => {
  const picker = new FakePicker();
  const { calls, search } = deferredSearch();
  attachLiveKbSearch(picker, search, options);
  picker.type('par');
  picker.type('paris');
  assert.equal(calls[0]?.signal.aborted, true);
  calls[1]?.resolve([hit('Q90')]);
  calls[0]?.resolve([hit('STALE')]);
  await settle();
  assert.deepEqual(picker.items, ['own', 'search:paris', 'Q90']);
  picker.type('lon');
  picker.type('   ');
  assert.equal(calls[2]?.signal.aborted, true, 'clearing the box aborts the search in flight');
  assert.deepEqual(picker.items, ['own']);
  assert.equal(picker.busy, false);
});

void test('a failed search is reported once and clears busy; a superseded one that fails is not reported', async () => {
  const picker = new FakePicker();
  const { calls, search } = deferredSearch();
  const errors: string[] = [];
  attachLiveKbSearch(picker, search, { ...options, onError: (e, query) => errors.push(`${query}: ${(e as Error).message}`) });
  picker.type('a');
  picker.type('b');
  calls[0]?.reject(new Error('cancelled'));
  calls[1]?.reject(new Error('worker gone'));
  await settle();
  assert.deepEqual(errors, ['b: worker gone']);
  assert.equal(picker.busy, false);
});

void test('dispose stops listening and aborts the search in flight', () => {
  const picker = new FakePicker();
  const { calls, search } = deferredSearch();
  const live = attachLiveKbSearch(picker, search, options);
  picker.type('x');
  live.dispose();
  assert.equal(calls[0]?.signal.aborted, true);
  assert.equal(picker.listening, false);
});
