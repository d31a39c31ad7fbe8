/**
 * What a KB entity may be referred to by a pronoun: whether it is a person (he/she) and, where the KB's text
 * says, its gender. Read from the entity's type and description only, so it works for any KB: wiki11k types
 * persons "Person", WordNet "noun.person"; a Wikipedia-style description gives life dates ("(born 1951)",
 * "(May 10, 1838 – April 26, 1865)") and pronouns ("he founded ...").
 */
import type { Entity } from '../kb/entity';
import { tokenize } from '../linker/tokens';

export type Gender = 'male' | 'female';

export interface EntityTraits {
  /**
   * How surely the entity is a person: 1 typed a person or with life dates in its description, 0.5 untyped or
   * typed otherwise but with he/she in its description, 0.2 untyped without evidence, 0 typed otherwise.
   */
  readonly person: number;
  /** The gender the description's pronouns and gendered nouns say, when they agree on one. */
  readonly gender?: Gender;
  /** The folded words of the entity's type, title and description (a definite description's head must be one). */
  readonly words?: ReadonlySet<string>;
}

const PERSON_TYPE = /\bperson\b/i;
// "(born 1951)", "(b. 1951)", "(1838–1865)", "(May 10, 1838 – April 26, 1865)", "(c. 1450 – 1519)".
const LIFE_DATES = /\((?:[^()]*;\s*)?(?:born|b\.)\s|\([^()]*\b\d{3,4}\s*[–—-]\s*[^()]*\b\d{3,4}\s*\)/;

const MALE_WORDS = new Set(['he', 'him', 'his', 'himself', 'man', 'king', 'prince', 'duke', 'son', 'father', 'husband', 'brother', 'businessman', 'sportsman', 'chairman', 'emperor', 'monk', 'nephew', 'uncle']);
const FEMALE_WORDS = new Set(['she', 'her', 'hers', 'herself', 'woman', 'queen', 'princess', 'duchess', 'daughter', 'mother', 'wife', 'sister', 'businesswoman', 'sportswoman', 'chairwoman', 'empress', 'actress', 'nun', 'niece', 'aunt', 'heiress']);

/** The traits of one entity (pure; EntityTraitCache keeps them per row). */
export function entityTraits(entity: Entity): EntityTraits {
  let male = 0;
  let female = 0;
  const words = new Set<string>();
  for (const t of tokenize(entity.text)) {
    if (t.word) words.add(t.folded);
    if (MALE_WORDS.has(t.folded)) male++;
    else if (FEMALE_WORDS.has(t.folded)) female++;
  }
  for (const t of tokenize(`${entity.type ?? ''} ${entity.title}`)) if (t.word) words.add(t.folded);
  const gender: Gender | undefined = male > female ? 'male' : female > male ? 'female' : undefined;
  const typed = entity.type !== undefined && entity.type !== '';
  let person: number;
  if ((typed && PERSON_TYPE.test(entity.type ?? '')) || LIFE_DATES.test(entity.text)) person = 1;
  else if (gender !== undefined) person = 0.5;
  else person = typed ? 0 : 0.2;
  return gender === undefined ? { person, words } : { person, gender, words };
}

/** Traits by KB row, computed on first use. */
export class EntityTraitCache {
  private readonly rows = new Map<number, EntityTraits>();

  constructor(private readonly entities: readonly Entity[]) {}

  of(row: number): EntityTraits {
    let t = this.rows.get(row);
    if (t === undefined) {
      t = entityTraits(this.entities[row]);
      this.rows.set(row, t);
    }
    return t;
  }
}

/** What linkPronouns needs of a KB, by entity id (undefined: not in the KB). */
export interface CoreferenceKb {
  readonly traitsOf: (entityId: string) => EntityTraits | undefined;
  readonly titleOf: (entityId: string) => string | undefined;
}

/** The lookups of one KB: traits cached per row. */
export function coreferenceKb(entities: readonly Entity[], rowOf: (id: string) => number | undefined): CoreferenceKb {
  const cache = new EntityTraitCache(entities);
  return {
    traitsOf: (id) => {
      const row = rowOf(id);
      return row === undefined ? undefined : cache.of(row);
    },
    titleOf: (id) => {
      const row = rowOf(id);
      return row === undefined ? undefined : entities[row].title;
    },
  };
}
