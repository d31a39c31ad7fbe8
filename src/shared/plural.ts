/**
 * A count with its noun in the right number: `plural(1, 'decision')` is '1 decision', `plural(3, 'decision')`
 * is '3 decisions'. Irregular nouns give their plural form: `plural(2, 'entity', 'entities')`. The count is
 * written as given (use toLocaleString first for large numbers); only exactly 1 takes the singular.
 */
export function plural(count: number | string, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${Number(count) === 1 ? singular : pluralForm}`;
}
