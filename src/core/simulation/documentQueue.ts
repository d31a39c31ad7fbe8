/**
 * The annotation queue that the editor's cross-document auto-advance walks (entityLinker.annotation.advanceAcrossDocuments),
 * and simulate replays: the workspace's linkable files in path order (plain code-unit order of their URIs, the
 * same on every platform), each document once. After the decision on a document's last open mention, or Next
 * Unresolved in a document with none left, the editor opens the first later document that is not done: done
 * means visited in this session with no open mention left. A document never visited comes up even without
 * suggestions, so what the linker missed there can be linked too. There is no wrapping round: after the last
 * document the queue is done.
 */
export function nextInQueue(documents: readonly string[], current: string, isDone: (document: string) => boolean): string | undefined {
  const sorted = [...new Set(documents)].sort(compareCodeUnits);
  return sorted.find((d) => compareCodeUnits(d, current) > 0 && !isDone(d));
}

function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
