import { LinkerError } from '../errors';
import type { KnowledgeBase } from '../kb/knowledgeBase';
import type { GoldMention } from './goldDocument';

/**
 * Maps a gold mention's ids (in the benchmark's vocabulary) to ids of the KB being evaluated. A gold that maps to
 * nothing is out of KB: counted on its own and treated as NIL for this KB, never dropped.
 * - `id`: the gold id is a KB id (IRIs compared as plain strings).
 * - `iri-suffix`: the last path or fragment segment of the gold IRI is a KB id (…/entity/Q42 -> Q42).
 * - `title`: a gold name (or, without names, a gold id) equals a KB title, case-insensitively; every entity with
 *   that title counts as correct, since the benchmark cannot tell them apart.
 * - `sense-key`: a resolver (the WordNet KB's sense key -> synset id) maps each gold id.
 * A NIL mention's emerging ids (GERBIL's notInWiki IRIs) are looked up the same way: one the KB holds makes the
 * mention in-KB (marked `emerging`, counted in the evaluation report).
 */
export type GoldIdMappingKind = 'id' | 'iri-suffix' | 'title' | 'sense-key';

export const GOLD_ID_MAPPING_KINDS: readonly GoldIdMappingKind[] = ['id', 'iri-suffix', 'title', 'sense-key'];

export type GoldStatus = 'in-kb' | 'out-of-kb' | 'nil';

export interface MappedGold {
  /** KB ids any of which is a correct answer; empty unless status is 'in-kb'. */
  readonly ids: readonly string[];
  readonly status: GoldStatus;
  /** Set when the ids came from the mention's emerging (notInWiki) ids: NIL for the benchmark's KB, in this one. */
  readonly emerging?: true;
}

export type GoldMapper = (mention: GoldMention) => MappedGold;

export interface GoldMapperOptions {
  readonly kind: GoldIdMappingKind;
  /** Required for 'sense-key': returns the KB id of a sense key, or undefined when the KB lacks it. */
  readonly resolveSenseKey?: (senseKey: string) => string | undefined;
}

/** The last segment of an IRI's path or fragment, percent-decoded when that is valid. */
export function iriSuffix(iri: string): string {
  const trimmed = iri.replace(/[/#]+$/, '');
  const cut = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('#'));
  const last = trimmed.slice(cut + 1);
  try {
    return decodeURIComponent(last);
  } catch {
    return last;
  }
}

export function createGoldMapper(kb: KnowledgeBase, options: GoldMapperOptions): GoldMapper {
  const lookup = idLookup(kb, options);
  return (mention) => {
    if (mention.nil || mention.goldIds.length === 0) {
      // An id the KB contains is in the KB, whatever namespace the benchmark put it in.
      const emerging = new Set((mention.emergingIds ?? []).flatMap((key) => lookup(key)));
      return emerging.size === 0 ? { ids: [], status: 'nil' } : { ids: [...emerging], status: 'in-kb', emerging: true };
    }
    const ids = new Set<string>();
    const keys = options.kind === 'title' && mention.goldNames !== undefined && mention.goldNames.length > 0 ? mention.goldNames : mention.goldIds;
    for (const key of keys) {
      for (const id of lookup(key)) {
        ids.add(id);
      }
    }
    return ids.size === 0 ? { ids: [], status: 'out-of-kb' } : { ids: [...ids], status: 'in-kb' };
  };
}

function idLookup(kb: KnowledgeBase, options: GoldMapperOptions): (key: string) => readonly string[] {
  const known = (id: string | undefined): string[] => (id !== undefined && kb.rowOf(id) !== undefined ? [id] : []);
  switch (options.kind) {
    case 'id':
      return (key) => known(key);
    case 'iri-suffix':
      return (key) => {
        const suffix = iriSuffix(key);
        return known(suffix).length > 0 ? [suffix] : known(key);
      };
    case 'title': {
      const byTitle = new Map<string, string[]>();
      for (const e of kb.entities) {
        const t = e.title.toLowerCase();
        const list = byTitle.get(t);
        if (list === undefined) {
          byTitle.set(t, [e.id]);
        } else {
          list.push(e.id);
        }
      }
      return (key) => byTitle.get(key.toLowerCase()) ?? [];
    }
    case 'sense-key': {
      const resolve = options.resolveSenseKey;
      if (resolve === undefined) {
        throw new LinkerError('usage', "The 'sense-key' gold mapping needs a sense-key resolver.", { hint: 'Evaluate against the WordNet KB, which provides it.' });
      }
      return (key) => known(resolve(key));
    }
  }
}
