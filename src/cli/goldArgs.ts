import { LinkerError } from '../core/errors';
import { readTextInput } from '../core/inputFile';
import { createGoldMapper, GOLD_ID_MAPPING_KINDS, type GoldIdMappingKind, type GoldMapper } from '../core/formats/goldMapping';
import type { GoldDocument, GoldMention, InvalidSpanListener } from '../core/formats/goldDocument';
import { readGold, sniffGoldFormat, type GoldFormat } from '../core/formats/goldFormat';
import type { WsdUnit } from '../core/formats/wsdReader';
import { loadWordNetLexicon } from '../core/kb/wordnetLexicon';
import type { LinkingSession } from '../core/session/linkingSession';
import type { CliIo } from './cliIo';
import type { LinkerOptions } from '../core/linker/linker';
import { parseChoice, parseNumber } from './options';

/* Gold data on the command line, shared by eval, export and finetune. */

/** The gold-input options that eval, export and simulate share (parseArgs specs). */
export const GOLD_INPUT_OPTIONS = {
  gold: { type: 'string', multiple: true },
  'gold-format': { type: 'string' },
  'gold-id-map': { type: 'string' },
} as const;

/**
 * --gold-id-map, checked before any input is read (a typo fails at once); its default, sense-key for WSD gold and
 * id otherwise, is applied once the gold formats are known.
 */
export function goldIdMapArg(value: string | undefined): (wsd: boolean) => GoldIdMappingKind {
  const asked = value === undefined ? undefined : parseChoice<GoldIdMappingKind>('gold-id-map', value, GOLD_ID_MAPPING_KINDS, 'id');
  return (wsd) => asked ?? (wsd ? 'sense-key' : 'id');
}

/** --wsd-unit: what one WSD gold document is (eval and finetune; the same for both when a model is evaluated). */
export const WSD_UNIT_OPTION = { 'wsd-unit': { type: 'string' } } as const;
/** The --wsd-unit usage lines, its text starting at `column` as the command's other options do. */
export function wsdUnitHelp(column: number): string {
  const pad = ' '.repeat(column);
  return `${'  --wsd-unit U'.padEnd(column)}wsd gold: sentence (default: each sentence one document) | text (each <text> one
${pad}document: contexts may cross sentences, document coherence spans the text) | paragraphs (each <text> one
${pad}document of its sentences as paragraphs: contexts and coherence (eval) stay in the sentence, self-exemplars
${pad}span the text)`;
}

export function wsdUnitArg(value: string | undefined): WsdUnit {
  return parseChoice<WsdUnit>('wsd-unit', value, ['sentence', 'text', 'paragraphs'], 'sentence');
}

/** --self-exemplars (eval): the linker's self-exemplar threshold (LinkerOptions.selfExemplars), for every kind of candidates. */
export const SELF_EXEMPLARS_OPTION = { 'self-exemplars': { type: 'string' } } as const;
export const SELF_EXEMPLARS_HELP = `  --self-exemplars P  a mention's top with probability >= P is an exemplar for the document's other
                      mentions, every kind of candidates | off (default: 0.5 for given sense lists, off for entities)`;

/**
 * The linker options of a WSD unit and --self-exemplars: 'paragraphs' keeps coherence in the sentence (a paragraph);
 * undefined when neither asks for anything.
 */
export function wsdLinkerOptions(unit: WsdUnit, selfExemplars?: string): Partial<LinkerOptions> | undefined {
  const scope: Partial<LinkerOptions> = unit === 'paragraphs' ? { coherenceScope: 'paragraph' } : {};
  if (selfExemplars === undefined) return unit === 'paragraphs' ? scope : undefined;
  if (selfExemplars === 'off') return { ...scope, selfExemplars: {} };
  const p = parseNumber('self-exemplars', selfExemplars, 0.5, 0, 1);
  return { ...scope, selfExemplars: { senses: p, retrievedSenses: p, entities: p } };
}

/**
 * Reads every path of a repeatable gold option; records a reader leaves out are counted by reason. With
 * `onInvalidSpan` (eval --skip-invalid) mentions whose offsets do not fit their text are left out and reported
 * there instead of failing the read. `wsdUnit` (--wsd-unit): a WSD sentence or a whole text as one document.
 */
export async function readGoldArgs(paths: readonly string[], format: GoldFormat | 'auto', io: CliIo, skipped?: Map<string, number>, onInvalidSpan?: InvalidSpanListener, wsdUnit?: WsdUnit): Promise<{ docs: GoldDocument[]; formats: GoldFormat[] }> {
  const formats = await Promise.all(paths.map((p) => (format === 'auto' ? sniffGoldFormat(p) : Promise.resolve(format))));
  const docs: GoldDocument[] = [];
  for (const [i, p] of paths.entries()) {
    docs.push(
      ...(await readGold(p, formats[i], {
        onInvalidSpan,
        ...(wsdUnit === undefined ? {} : { wsdUnit }),
        onSkip: (source, reason) => {
          if (skipped === undefined) io.err(`skipped ${source.file}${source.line === undefined ? '' : `:${source.line}`}: ${reason}`);
          else skipped.set(reason, (skipped.get(reason) ?? 0) + 1);
        },
      })),
    );
  }
  if (docs.length === 0) {
    // Scoring, exporting or training on nothing would print n/a or write an empty file and exit 0.
    const why = skipped === undefined || skipped.size === 0 ? 'the input is empty' : `every record was left out (${[...skipped].map(([reason, n]) => `${n} ${reason}`).join('; ')})`;
    throw new LinkerError('inputFormat', `${paths.join(', ')}: no gold documents: ${why}.`, { hint: 'Give gold data that holds at least one document (and check --gold-format).' });
  }
  return { docs, formats };
}

/** The gold mapping and, for WSD, the lemma candidates, as eval sets them up. */
export async function goldMappingFor(session: LinkingSession, idMap: GoldIdMappingKind, wsd: boolean): Promise<{ mapGold: GoldMapper; candidatesFor?: (m: GoldMention) => readonly string[] | undefined }> {
  if (idMap !== 'sense-key' && !wsd) return { mapGold: createGoldMapper(session.kb, { kind: idMap }) };
  const lexicon = await loadWordNetLexicon();
  return {
    mapGold: createGoldMapper(session.kb, { kind: idMap, resolveSenseKey: (key) => lexicon.entityIdOfSenseKey(key) }),
    candidatesFor: (m) => (m.lemma === undefined ? undefined : lexicon.lemmaSenses(m.lemma, m.pos)),
  };
}

/** Groups of ids declared the same entity: each id maps to the others of its line. */
export async function readDuplicates(file: string): Promise<(id: string) => readonly string[]> {
  const groups = new Map<string, string[]>();
  const text = await readTextInput(file, 'The duplicates file');
  for (const line of text.split(/\r?\n/)) {
    const ids = line.split(/[\t, ]+/).filter((s) => s !== '' && !s.startsWith('#'));
    for (const id of ids) groups.set(id, [...(groups.get(id) ?? []), ...ids.filter((o) => o !== id)]);
  }
  return (id) => groups.get(id) ?? [];
}
