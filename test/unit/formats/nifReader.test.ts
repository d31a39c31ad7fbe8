import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LinkerError } from '../../../src/core/errors';
import { isNilIri, parseNif, readNifFile } from '../../../src/core/formats/nifReader';
import { CodePointOffsets } from '../../../src/core/formats/offsets';
import { formatFixture } from './formatTestPaths';

void test('NIF: contexts become documents, phrases mentions with their entity IRIs', async () => {
  const docs = await readNifFile(formatFixture('nif', 'tiny.ttl'));
  assert.equal(docs.length, 2);
  const doc1 = docs[0];
  assert.equal(doc1.text, 'Obama visited Paris in 2009.');
  assert.deepEqual(
    doc1.mentions.map((m) => [m.start, m.end, m.text, m.goldIds, m.nil]),
    [
      [0, 5, 'Obama', ['http://dbpedia.org/resource/Barack_Obama'], false],
      [14, 19, 'Paris', ['http://dbpedia.org/resource/Paris', 'http://www.wikidata.org/entity/Q90'], false],
      [23, 27, '2009', [], true],
    ],
  );
  assert.equal(doc1.mentions[0].source.record, 'http://example.org/doc1#char=0,5');
  assert.ok((doc1.mentions[0].source.line ?? 0) >= 10, 'a mention points at its line in the file');
});

void test('NIF: code-point offsets after an astral character convert to UTF-16', async () => {
  const docs = await readNifFile(formatFixture('nif', 'tiny.ttl'));
  const doc2 = docs[1];
  assert.equal(doc2.text, '🎸 Zappa met Bowie.');
  const [zappa, bowie] = doc2.mentions;
  // The file says 2..7 and 12..17 (code points); the guitar takes two UTF-16 units.
  assert.deepEqual([zappa.start, zappa.end, zappa.text], [3, 8, 'Zappa']);
  assert.equal(zappa.nil, true, 'a notInWiki IRI is NIL');
  assert.deepEqual([bowie.start, bowie.end, bowie.text], [13, 18, 'Bowie'], 'without anchorOf, code points are assumed');
});

void test('NIF: UTF-16 offsets are accepted when only they match the anchor', async () => {
  const ttl = `@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
<http://x/c> nif:isString "🎸 Zappa rocks" .
<http://x/m> nif:referenceContext <http://x/c> ; nif:anchorOf "Zappa" ; nif:beginIndex 3 ; nif:endIndex 8 .`;
  const [doc] = await parseNif(ttl, 'mem.ttl');
  assert.deepEqual([doc.mentions[0].start, doc.mentions[0].end], [3, 8]);
  await assert.rejects(parseNif(ttl, 'mem.ttl', { offsetUnit: 'code-point' }), /anchorOf is "Zappa"/);
});

void test('NIF: a Turtle syntax error names the file and line', async () => {
  const file = formatFixture('nif', 'broken.ttl');
  await assert.rejects(readNifFile(file), (e: unknown) => {
    assert.ok(LinkerError.is(e, 'inputFormat'));
    assert.equal(e.location.file, file);
    assert.equal(e.location.line, 5);
    assert.match(e.message, /broken\.ttl:5: Turtle syntax error/);
    return true;
  });
});

void test('NIF: an anchor that disagrees with the offsets is an error naming the resource', async () => {
  await assert.rejects(readNifFile(formatFixture('nif', 'badAnchor.ttl')), (e: unknown) => {
    assert.ok(LinkerError.is(e, 'inputFormat'));
    assert.match(e.message, /badAnchor\.ttl:\d+: http:\/\/example\.org\/d#char=6,11: nif:anchorOf is "World" but the text at \[6, 11\) is "world"/);
    return true;
  });
});

void test('NIF: a file without contexts is rejected', async () => {
  await assert.rejects(parseNif('<http://x/a> <http://x/b> "c" .', 'none.ttl'), /no nif:Context/);
});

void test('isNilIri and CodePointOffsets', () => {
  assert.equal(isNilIri('http://aksw.org/notInWiki/Foo'), true);
  assert.equal(isNilIri('http://example.org/NIL'), true);
  assert.equal(isNilIri('http://dbpedia.org/resource/Nile'), false);
  const cp = new CodePointOffsets('a😀b');
  assert.equal(cp.length, 3);
  assert.deepEqual([0, 1, 2, 3].map((n) => cp.toUtf16(n)), [0, 1, 3, 4]);
  assert.equal(cp.toUtf16(4), undefined);
});

void test('NIF: offsets that are not whole numbers are errors quoting them; an empty one is not read as 0', async () => {
  const ttl = (begin: string, end: string): string => `@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
<http://x/c> nif:isString "Zappa rocks" .
<http://x/m> nif:referenceContext <http://x/c> ; nif:beginIndex "${begin}" ; nif:endIndex "${end}" .`;
  for (const [begin, end] of [['', '5'], ['abc', '5'], ['0x0', '5'], ['0', ' 5'], ['1e0', '5']]) {
    await assert.rejects(parseNif(ttl(begin, end), 'mem.ttl'), (e: unknown) => LinkerError.is(e, 'inputFormat') && e.message.includes(`nif:beginIndex "${begin}" / nif:endIndex "${end}" are not whole numbers`), `${begin} ${end}`);
  }
  const [doc] = await parseNif(ttl('0', '5'), 'mem.ttl');
  assert.deepEqual(doc.mentions.map((m) => m.text), ['Zappa']);
});

void test('NIF: a context with two different nif:isString values is an error naming it, not read with the first', async () => {
  // Two documents given the same context IRI (two files concatenated, say): the offsets of one count the other's text.
  const ttl = `@prefix nif: <http://persistence.uni-leipzig.org/nlp2rdf/ontologies/nif-core#> .
<http://x/other> nif:isString "Nothing here." .
<http://x/c> nif:isString "Paris is big." .
<http://x/m> nif:referenceContext <http://x/c> ; nif:anchorOf "Berlin" ; nif:beginIndex 0 ; nif:endIndex 6 .
<http://x/c> nif:isString "Berlin is big." .`;
  await assert.rejects(parseNif(ttl, 'two.ttl'), (e: unknown) => {
    assert.ok(LinkerError.is(e, 'inputFormat'));
    assert.equal(e.location.file, 'two.ttl');
    assert.equal(e.location.line, 3, 'the line where the context first appears');
    assert.match(e.message, /^two\.ttl:3: the nif:Context http:\/\/x\/c has 2 different nif:isString values \("Paris is big\.", "Berlin is big\."\)/);
    assert.match(e.hint ?? '', /one nif:isString per context/);
    return true;
  });
  // The same text stated twice is one value, read as before.
  const [, doc] = await parseNif(ttl.replace('"Paris is big."', '"Berlin is big."'), 'same.ttl');
  assert.deepEqual(doc!.mentions.map((m) => m.text), ['Berlin']);
});
