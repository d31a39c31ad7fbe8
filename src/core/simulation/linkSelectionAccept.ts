/**
 * Link Selection without the picker (entityLinker.annotation.linkSelectionAcceptAbove): the entity to accept at
 * once for a span the annotator selected, or undefined when the picker must open: the linker calls the span NIL,
 * it has no candidate, or the top candidate's probability is below the threshold. A threshold of 1 or more (or
 * none) always opens the picker. The editor's command and simulate's replay of it share this rule.
 */
export function topToAcceptAtOnce(linked: { readonly nil: boolean; readonly candidates: readonly { readonly id: string; readonly probability?: number }[] }, threshold: number | undefined): string | undefined {
  if (threshold === undefined || threshold >= 1 || linked.nil) return undefined;
  const top = linked.candidates[0];
  return top !== undefined && (top.probability ?? 0) >= threshold ? top.id : undefined;
}
