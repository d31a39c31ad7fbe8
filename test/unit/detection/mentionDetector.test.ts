import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MentionDetector } from '../../../src/core/detection/mentionDetector';
import { CHAIN_PART, MENTION_FEATURE_NAMES } from '../../../src/core/detection/mentionFeatures';
import { MentionScorer } from '../../../src/core/detection/mentionScorer';
import { capitalisedRuns } from '../../../src/core/detection/spanProposals';
import { Gazetteer } from '../../../src/core/linker/gazetteer';
import { Linker } from '../../../src/core/linker/linker';
import { tokenize } from '../../../src/core/linker/tokens';
import type { Span } from '../../../src/core/linker/types';
import { FakeEncoder } from '../../fixtures/linker/fakeEncoder';
import { TINY_ENTITIES, tinyKb } from '../../fixtures/linker/tinyKb';

const texts = (found: readonly { text: string }[]): string[] => found.map((m) => m.text);
const spanOf = (text: string, s: string, from = 0): Span => ({ start: text.indexOf(s, from), end: text.indexOf(s, from) + s.length });

void test('capitalised runs join particles, initials and hyphens, and drop leading function words', () => {
  const text = 'In Turin the Selman A. Waksman Award went to Sport-Club Juventus and the University of Turin.';
  const tokens = tokenize(text);
  const runs = capitalisedRuns(text, tokens).map(([a, b]) => text.slice(tokens[a].start, tokens[b].end));
  assert.deepEqual(runs, ['Turin', 'Selman A. Waksman Award', 'Sport-Club Juventus', 'University of Turin']);
});

void test('a sentence-final full stop does not join capitalised runs (the full stop of an initial does)', () => {
  const text = 'They went to Ohio. The Lasker Prize went to J. Smith at U.S. Steel.';
  const tokens = tokenize(text);
  const runs = capitalisedRuns(text, tokens).map(([a, b]) => text.slice(tokens[a].start, tokens[b].end));
  assert.deepEqual(runs, ['Ohio', 'Lasker Prize', 'J. Smith', 'U.S. Steel']);
});

/** Training text: in-KB names are mentions, except that the annotator rejects "Ohio"; a missed name is added. */
const TRAIN = [
  'Dublin is the capital of Ireland. The WHO met in Dublin and New York City.',
  '',
  'Ohio sent a team to Dublin; Ohio lost. Later Baile Átha Cliath hosted Ireland and New York.',
  '',
  'The Selman A. Waksman Award went to Ireland, not to Ohio. The Lasker Prize went to Dublin.',
].join('\n');

function trainedScorer(): MentionScorer {
  const detector = new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES) });
  const names = ['Dublin', 'Ireland', 'WHO', 'New York City', 'New York', 'Baile Átha Cliath', 'Selman A. Waksman Award'];
  const mentions: Span[] = [];
  for (const n of names) for (let i = TRAIN.indexOf(n); i >= 0; i = TRAIN.indexOf(n, i + 1)) if (!/\w/.test(TRAIN[i + n.length] ?? '')) mentions.push({ start: i, end: i + n.length });
  const examples = detector.examplesFromMentions(TRAIN, mentions, [spanOf(TRAIN, 'Ohio')]);
  assert.ok(examples.some((e) => e.surface === 'ohio' && !e.label) && examples.some((e) => e.surface === 'selman a . waksman award' && e.label));
  return MentionScorer.fit(examples);
}

void test('a scorer fitted on accepted and rejected spans drops what the annotator rejects', () => {
  const scorer = trainedScorer();
  const text = 'Ohio and Dublin signed with Ireland.';
  const plain = new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES) });
  assert.deepEqual(texts(plain.detect(text)), ['Ohio', 'Dublin', 'Ireland']);
  const learned = new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES), scorer });
  const found = learned.detect(text);
  assert.deepEqual(texts(found), ['Dublin', 'Ireland']);
  assert.ok(found.every((m) => m.probability !== undefined && m.probability >= scorer.threshold));
});

void test('proposals: only with a scorer, and only when the option is on', () => {
  const scorer = trainedScorer();
  const text = 'The Lasker Prize went to Dublin.';
  assert.deepEqual(texts(new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES) }).detect(text)), ['Dublin']);
  const detector = new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES), scorer });
  const scoredNames = detector.examples(text, [{ ...spanOf(text, 'Lasker Prize'), label: true }]);
  assert.equal(scoredNames[0].features[MENTION_FEATURE_NAMES.indexOf('fromGazetteer')], 0, 'not from the gazetteer');
  const off = new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES, { proposals: false }), scorer });
  assert.ok(!texts(off.detect(text)).includes('Lasker Prize'));
});

void test('a scorer fitted without proposals (online, on decided suggestions) does not propose unknown names', () => {
  const gazetteer = new Gazetteer(TINY_ENTITIES);
  const detector = new MentionDetector({ gazetteer });
  const labelled = [...[0, 1, 2].map((k) => ({ ...spanOf(TRAIN, 'Dublin', TRAIN.indexOf('Dublin') + k), label: true })), { ...spanOf(TRAIN, 'Ireland'), label: true }, { ...spanOf(TRAIN, 'Ohio'), label: false }, { ...spanOf(TRAIN, 'WHO'), label: false }];
  const text = 'The Lasker Prize went to Dublin.';
  const online = MentionScorer.fit(detector.examples(TRAIN, labelled), { threshold: 0, proposals: false });
  assert.deepEqual(texts(new MentionDetector({ gazetteer, scorer: online }).detect(text)), ['Dublin']);
  assert.equal(MentionScorer.fromJSON(JSON.parse(JSON.stringify(online.toJSON()))).judgesProposals, false, 'kept in the JSON');
  const judging = MentionScorer.fit(detector.examples(TRAIN, labelled), { threshold: 0 });
  assert.deepEqual(texts(new MentionDetector({ gazetteer, scorer: judging }).detect(text)), ['Lasker Prize', 'Dublin']);
});

void test('the Linker uses the mention scorer it is given, and a new one set later', () => {
  const kb = tinyKb();
  const linker = new Linker({ kb, encoder: new FakeEncoder() });
  const text = 'Ohio and Dublin signed with Ireland.';
  assert.deepEqual(texts(linker.detect(text)), ['Ohio', 'Dublin', 'Ireland']);
  linker.setMentionScorer(trainedScorer());
  assert.deepEqual(texts(linker.detect(text)), ['Dublin', 'Ireland']);
  linker.setMentionScorer(undefined);
  assert.equal(linker.detect(text).length, 3);
  assert.deepEqual(texts(new Linker({ kb, encoder: new FakeEncoder(), mentionScorer: trainedScorer() }).detect(text)), ['Dublin', 'Ireland']);
});

void test('a match "A, B" whose parts are both names is split into two mentions (unless turned off)', () => {
  const text = 'She grew up in Dublin, Ohio and then moved.';
  assert.deepEqual(texts(new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES) }).detect(text)), ['Dublin', 'Ohio']);
  assert.deepEqual(texts(new MentionDetector({ gazetteer: new Gazetteer(TINY_ENTITIES, { splitCommaNames: false }) }).detect(text)), ['Dublin, Ohio']);
});

void test('the surname of a detected full name is a mention of that person in the rest of the paragraph; "College" of "Trinity College" is not', () => {
  const entities = [
    { id: 'P1', title: 'Gordon Brown', text: 'Gordon Brown is a British politician.', aliases: [] },
    { id: 'O1', title: 'Trinity College, Dublin', text: 'A college.', aliases: ['Trinity College'] },
    { id: 'C1', title: 'Brown (colour)', text: 'A colour.', aliases: ['brown'] },
  ];
  const text = 'Gordon Brown studied at Trinity College. Brown then taught; the College hired him.\n\nBrown again.';
  const detector = new MentionDetector({ gazetteer: new Gazetteer(entities), entities, surnames: true });
  const found = detector.detect(text, 0, text.indexOf('\n\n'));
  assert.deepEqual(texts(found), ['Gordon Brown', 'Trinity College', 'Brown']);
  assert.deepEqual(found[2].rows, [0], 'the surname takes the full name\'s entity');
  const without = new MentionDetector({ gazetteer: new Gazetteer(entities), entities, surnames: false }).detect(text, 0, text.indexOf('\n\n'));
  assert.deepEqual(without.map((m) => [m.text, m.rows]), [['Gordon Brown', [0]], ['Trinity College', [1]], ['Brown', [2]]], 'without the rule the lone "Brown" is the colour');
});

void test('a dictionary match opening with a lower-case article is cut to the name after it, or dropped', () => {
  const entities = [
    { id: 'T1', title: 'The President', text: 'a film', aliases: [] },
    { id: 'T2', title: 'President of the United States', text: 'the head of state', aliases: ['president'] },
    { id: 'T3', title: 'Detroit', text: 'a city in Michigan', aliases: ['The D'] },
    { id: 'T4', title: 'The Hague', text: 'a city in the Netherlands', aliases: [] },
  ];
  const d = new MentionDetector({ gazetteer: new Gazetteer(entities, { mode: 'all-words' }), entities });
  const text = 'A letter from the president reached the D; The Hague replied.';
  assert.deepEqual(texts(d.detect(text)), ['the president', 'the D', 'The Hague'], 'off by default');
  d.articles = true;
  const cut = d.detect(text);
  assert.deepEqual(texts(cut), ['president', 'The Hague']);
  assert.deepEqual(cut[0].rows, [1], 'the rest keeps the rows the dictionary gives it');
});

void test('a match opening with a lower-case article yields to a longer name starting after the article (unless turned off)', () => {
  const entities = [
    { id: 'S', title: 'San Francisco', text: 'a city in California', aliases: ['The City'] },
    { id: 'C', title: 'City of London', text: 'the historic centre of London', aliases: [] },
    { id: 'L', title: 'London', text: 'the capital of England', aliases: [] },
  ];
  const d = new MentionDetector({ gazetteer: new Gazetteer(entities, { mode: 'all-words' }), entities });
  const text = 'He worked in the City of London. The City is foggy.';
  assert.equal(d.articlesYield, true, 'on by default');
  const found = d.detect(text);
  assert.deepEqual(texts(found), ['City of London', 'The City'], 'a capitalised "The" opens a name');
  assert.deepEqual(found[0].rows, [1]);
  d.articlesYield = false;
  assert.deepEqual(texts(d.detect(text)), ['the City', 'London', 'The City']);
});

void test('chain context: parts of a comma chain of names get their own type key', () => {
  const text = 'He was born in Moberly, Missouri. Missouri voted; Dublin, as ever, waited.';
  const detector = new MentionDetector({ gazetteer: new Gazetteer([...TINY_ENTITIES, { id: 'mo', title: 'Missouri', text: '', aliases: [], type: 'Location' }]), entities: [...TINY_ENTITIES, { id: 'mo', title: 'Missouri', text: '', aliases: [], type: 'Location' }] });
  const typeAt = (from: number): string | undefined => detector.examples(text, [{ ...spanOf(text, 'Missouri', from), label: true }])[0]?.type;
  const chained = text.indexOf('Missouri');
  const alone = text.indexOf('Missouri', chained + 1);
  assert.equal(typeAt(chained), `Location${CHAIN_PART}`);
  assert.equal(typeAt(alone), 'Location');
  assert.equal(detector.examples(text, [{ ...spanOf(text, 'Dublin'), label: true }])[0]?.type?.endsWith(CHAIN_PART), false, 'a comma before a lower-case word is no chain');
  detector.chainContext = false;
  assert.equal(typeAt(chained), 'Location');
});
