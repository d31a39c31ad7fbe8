import { createHash } from 'node:crypto';
import type { KnowledgeBase } from './knowledgeBase';

/**
 * sha256 over every entity's id, title, text and aliases in KB order, each field length-prefixed so no two
 * different KBs hash alike by shifting text between fields. Caches (vectors, indexes) key on it.
 */
export function kbContentHash(kb: KnowledgeBase): string {
  const hash = createHash('sha256');
  const field = (s: string): void => {
    hash.update(`${s.length}:`);
    hash.update(s);
  };
  for (const e of kb.entities) {
    field(e.id);
    field(e.title);
    field(e.text);
    hash.update(`${e.aliases.length}#`);
    for (const a of e.aliases) field(a);
  }
  return hash.digest('hex');
}
