import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Entity } from '../../../src/core/kb/entity';
import { DEFAULT_DETECTION } from '../../../src/core/linker/gazetteer';
import { kbNameSpans } from '../../../src/core/simulation/kbNameSpans';
import { possibleMentions } from '../../../src/core/simulation/possibleMentions';

const entity = (id: string, title: string, aliases: string[] = []): Entity => ({ id, title, text: '', aliases });
const ENTITIES = [entity('prof', 'Professor'), entity('re', 'Royal Engineers'), entity('turin', 'Turin')];
const texts = (text: string, spans: readonly { start: number; end: number }[]): string[] => spans.map((s) => text.slice(s.start, s.end));

void test('KB name spans: the names of the KB in any case, where names-mode detection takes capitalised text only', () => {
  const text = 'He became a full professor with the royal engineers in Turin.';
  assert.deepEqual(texts(text, kbNameSpans(ENTITIES, DEFAULT_DETECTION)(text)), ['professor', 'royal engineers', 'Turin']);
});

void test('Possible Mention with the KB name spans stops at a lower-case word only where a name covers it', () => {
  const text = 'He became a full professor with the royal engineers in Turin, where she taught.';
  const names = kbNameSpans(ENTITIES, DEFAULT_DETECTION)(text);
  assert.deepEqual(texts(text, possibleMentions(text, [])), ['He', 'became', 'full', 'professor', 'royal', 'engineers', 'Turin', 'she', 'taught']);
  // Capitalised runs and pronouns stay stops; "full" modifies a name ("full professor"); "became", "taught" name nothing.
  assert.deepEqual(texts(text, possibleMentions(text, [], names)), ['He', 'full', 'professor', 'royal', 'engineers', 'Turin', 'she']);
});
