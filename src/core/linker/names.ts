import type { Entity } from '../kb/entity';

/**
 * The names an entity can be mentioned by: its title, its aliases, and the title without a Wikipedia-style
 * qualifier ("Dublin, Ohio" -> "Dublin", "Mercury (planet)" -> "Mercury"). Texts say "Dublin", not
 * "Dublin, Ohio"; without the base name the qualified entity would never be an exact match and would lose to
 * its unqualified namesake on every mention, whatever the context says.
 *
 * A comma qualifier is only stripped when there is exactly one comma and what follows is one to three
 * capitalised words, so "Crosby, Stills, Nash & Young" stays whole. "Smith, John" does become "Smith": a
 * wrong base name only adds a candidate (and an exact-name signal) that the dense score can still outweigh.
 */
export function entityNames(e: Pick<Entity, 'title' | 'aliases'>): string[] {
  const names = [e.title, ...e.aliases].filter((n) => n.trim().length > 0);
  const base = baseName(e.title);
  if (base !== undefined) names.push(base);
  return [...new Set(names)];
}

const PAREN = /^(.+?)\s*\([^()]+\)$/;
const COMMA = /^([^,]+),\s*(\p{Lu}[\p{L}.'-]*(?:\s+\p{Lu}[\p{L}.'-]*){0,2})$/u;

export function baseName(title: string): string | undefined {
  const t = title.trim();
  const p = PAREN.exec(t);
  if (p !== null) return p[1];
  const c = COMMA.exec(t);
  if (c !== null) return c[1].trim();
  return undefined;
}
