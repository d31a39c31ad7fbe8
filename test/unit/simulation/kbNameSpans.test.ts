import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entity } from '../../../src/core/kb/entity';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { kbNameSpans } from '../../../src/core/simulation/kbNameSpans';
import { possibleMentions } from '../../../src/core/simulation/possibleMentions';

const entity = (id: string, title: string, aliases: string[] = []): Entity => ({ id, title, text: '', aliases });
const ENTITIES = [entity('prof', 'Professor'), entity('re', 'Royal Engineers'), entity('turin', 'Turin')];
const texts = (text: string, spans: readonly { start: number; end: number }[]): string[] => spans.map((s) => text.slice(s.start, s.end));

void test('KB name spans: the names of the KB in any case, where names-mode detection takes capitalised text only', () => {
  const text = 'He became a full professor with the royal engineers in Turin.';
  assert.deepEqual(texts(text, kbNameSpans(new Gazetteer(ENTITIES))(text)), ['professor', 'royal engineers', 'Turin']);
});

void test('Possible Mention with the KB name spans stops at a lower-case word only where a name covers it', () => {
  const text = 'He became a full professor with the royal engineers in Turin, where she taught.';
  const names = kbNameSpans(new Gazetteer(ENTITIES))(text);
  assert.deepEqual(texts(text, possibleMentions(text, [])), ['He', 'became', 'full', 'professor', 'royal', 'engineers', 'Turin', 'she', 'taught']);
  // Capitalised runs and pronouns stay stops; "full" modifies a name ("full professor"); "became", "taught" name nothing.
  assert.deepEqual(texts(text, possibleMentions(text, [], names)), ['He', 'full', 'professor', 'royal', 'engineers', 'Turin', 'she']);
});

void test('KB name spans read the linker dictionary in another mode without changing it: the same trie, names mode untouched', () => {
  const text = 'He became a full professor with the royal engineers in Turin.';
  const names = new Gazetteer(ENTITIES);
  const spans = kbNameSpans(names)(text);
  assert.deepEqual(texts(text, spans), ['professor', 'royal engineers', 'Turin']);
  assert.deepEqual(texts(text, names.detect(text)), ['Turin'], 'the linker\'s names-mode dictionary still takes capitalised text only');
  assert.equal(names.inMode('all-words').nameCount, names.nameCount);
});
