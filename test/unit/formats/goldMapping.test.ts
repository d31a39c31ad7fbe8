import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { createGoldMapper, iriSuffix } from '../../../src/core/formats/goldMapping';
import type { GoldMention } from '../../../src/core/formats/goldDocument';
import { parseNif } from '../../../src/core/formats/nifReader';
import { KnowledgeBase } from '../../../src/core/kb/knowledgeBase';

const kb = new KnowledgeBase('test', [
  { id: 'Q90', title: 'Paris', text: 'capital of France', aliases: [] },
  { id: 'Paris_TX', title: 'paris', text: 'city in Texas', aliases: [] },
  { id: 'Barack_Obama', title: 'Barack Obama', text: '', aliases: ['Obama'] },
  { id: 'http://example.org/e/1', title: 'One', text: '', aliases: [] },
  { id: '00001740-n', title: 'entity', text: '', aliases: [] },
]);

function mention(goldIds: string[], extra: Partial<GoldMention> = {}): GoldMention {
  return { start: 0, end: 1, text: 'x', goldIds, nil: goldIds.length === 0, source: { file: 'f' }, ...extra };
}

void test('id mapping: equal strings only, IRIs included', () => {
  const map = createGoldMapper(kb, { kind: 'id' });
  assert.deepEqual(map(mention(['Q90'])), { ids: ['Q90'], status: 'in-kb' });
  assert.deepEqual(map(mention(['http://example.org/e/1'])), { ids: ['http://example.org/e/1'], status: 'in-kb' });
  assert.deepEqual(map(mention(['Q1', 'Q90'])), { ids: ['Q90'], status: 'in-kb' }, 'any mappable gold id counts');
  assert.deepEqual(map(mention(['Q1'])), { ids: [], status: 'out-of-kb' });
  assert.deepEqual(map(mention([])), { ids: [], status: 'nil' });
  assert.deepEqual(map(mention(['Q90'], { nil: true })), { ids: [], status: 'nil' }, 'the nil flag wins');
});

void test('iri-suffix mapping: last path or fragment segment, percent-decoded', () => {
  assert.equal(iriSuffix('http://www.wikidata.org/entity/Q90'), 'Q90');
  assert.equal(iriSuffix('http://dbpedia.org/resource/Barack_Obama/'), 'Barack_Obama');
  assert.equal(iriSuffix('http://x.org/onto#Paris_TX'), 'Paris_TX');
  assert.equal(iriSuffix('http://dbpedia.org/resource/Caf%C3%A9'), 'Café');
  const map = createGoldMapper(kb, { kind: 'iri-suffix' });
  assert.deepEqual(map(mention(['http://www.wikidata.org/entity/Q90'])), { ids: ['Q90'], status: 'in-kb' });
  assert.deepEqual(map(mention(['http://dbpedia.org/resource/Barack_Obama'])), { ids: ['Barack_Obama'], status: 'in-kb' });
  assert.deepEqual(map(mention(['http://dbpedia.org/resource/Berlin'])).status, 'out-of-kb');
});

void test('title mapping: case-insensitive, every tied entity is correct, gold names preferred over ids', () => {
  const map = createGoldMapper(kb, { kind: 'title' });
  assert.deepEqual(map(mention(['Q999'], { goldNames: ['PARIS'] })), { ids: ['Q90', 'Paris_TX'], status: 'in-kb' });
  assert.deepEqual(map(mention(['Barack Obama'])), { ids: ['Barack_Obama'], status: 'in-kb' }, 'without names the ids are titles');
  assert.deepEqual(map(mention(['Q76'], { goldNames: ['Obama'] })).status, 'out-of-kb', 'aliases are not titles');
});

void test('sense-key mapping: through the resolver; unresolvable keys are out of KB; a resolver is required', () => {
  const resolve = (key: string): string | undefined => (key === 'entity%1:03:00::' ? '00001740-n' : key === 'gone%1:00:00::' ? 'not-in-kb' : undefined);
  const map = createGoldMapper(kb, { kind: 'sense-key', resolveSenseKey: resolve });
  assert.deepEqual(map(mention(['entity%1:03:00::', 'other%1:00:00::'])), { ids: ['00001740-n'], status: 'in-kb' });
  assert.deepEqual(map(mention(['gone%1:00:00::'])).status, 'out-of-kb', 'a resolved id the KB lacks is out of KB');
  assert.throws(() => createGoldMapper(kb, { kind: 'sense-key' }), (e: unknown) => LinkerError.is(e, 'usage'));
});

void test("a gold IRI in GERBIL's notInWiki namespace that the KB holds is in the KB; otherwise NIL", async () => {
  const ttl = `@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
@prefix itsrdf: <http://www.w3.org/2005/11/its/rdf#> .
<http://d/1#char=0,24> a nif:Context ; nif:isString "Paris met Anna Grotefend." .
<http://d/1#char=0,5> nif:referenceContext <http://d/1#char=0,24> ; nif:beginIndex "0" ; nif:endIndex "5" ; itsrdf:taIdentRef <http://aksw.org/notInWiki/Paris_TX> .
<http://d/1#char=10,24> nif:referenceContext <http://d/1#char=0,24> ; nif:beginIndex "10" ; nif:endIndex "24" ; itsrdf:taIdentRef <http://aksw.org/notInWiki/Anna_Grotefend> .
`;
  const [doc] = await parseNif(ttl, 'g.ttl');
  const [inKb, absent] = doc.mentions;
  assert.equal(inKb.nil, true, 'NIL for the reference KB (Wikipedia)');
  const map = createGoldMapper(kb, { kind: 'iri-suffix' });
  assert.deepEqual(map(inKb), { ids: ['Paris_TX'], status: 'in-kb', emerging: true });
  assert.deepEqual(map(absent), { ids: [], status: 'nil' });
});
