import type * as vscode from 'vscode';
import { labelAndNegatives } from '../../core/analysis/labelMatch';
import type { RankedCandidate } from '../../core/linker/types';
import type { CandidateRow, EntityRecordData, LabelStatus, MentionRefData, MentionViewData } from '../../shared/panelModel';
import type { MentionBackend, MentionDetails, MentionRef } from '../linking/mentionBackend';
import { closestName } from './nameMatch';

/** Negatives listed per mention. */
export const NEGATIVES_SHOWN = 10;

export function refData(ref: MentionRef): MentionRefData {
  return { uri: ref.uri, start: ref.start, end: ref.end, ...(ref.annotationId === undefined ? {} : { annotationId: ref.annotationId }) };
}

/**
 * The mention view's data: the label (the stored one; for an unstored mention, the model's own choice) with
 * its score and rank, and the hardest negatives with their KB type and description.
 */
export async function mentionViewData(details: MentionDetails, backend: Pick<MentionBackend, 'entity'>, document: string, k = NEGATIVES_SHOWN): Promise<MentionViewData> {
  const { linked, annotation } = details;
  // The whole ranking: candidates plus any hard negatives the backend found beyond them, best first.
  const byId = new Map<string, RankedCandidate>();
  for (const c of [...linked.candidates, ...linked.hardNegatives]) if (!byId.has(c.id)) byId.set(c.id, c);
  const ranking = [...byId.values()].sort((a, b) => b.score - a.score);
  const predictedId = linked.nil || ranking.length === 0 ? null : ranking[0].id;
  const status: LabelStatus = annotation?.status ?? 'unlabelled';
  const labelFields = annotation ?? { kbId: predictedId };
  const labelId = labelFields.kbId;
  const ids = new Set(ranking.slice(0, k + 1 + (annotation?.duplicateIds?.length ?? 0)).map((c) => c.id));
  if (labelId !== null) ids.add(labelId);
  const entities = new Map<string, EntityRecordData>();
  await Promise.all([...ids].map(async (id) => {
    const e = await backend.entity(id);
    if (e !== undefined) entities.set(id, e);
  }));
  const ranked = labelAndNegatives(ranking, labelFields, k, (id) => entities.get(id));
  // "Why here": the closest name and the tokens it shares with the mention, measured, not just "a name matched".
  const withName = (row: CandidateRow): CandidateRow => {
    const entity = entities.get(row.id);
    const nameMatch = entity === undefined ? undefined : closestName(details.text, entity);
    return nameMatch === undefined ? row : { ...row, nameMatch };
  };
  const label = ranked.label === undefined ? undefined : withName(ranked.label);
  const negatives = ranked.negatives.map(withName);
  const labelTitle = annotation?.title ?? (labelId === null ? undefined : (entities.get(labelId)?.title ?? ranking.find((c) => c.id === labelId)?.title));
  return {
    ref: refData(details.ref),
    document,
    text: details.text,
    before: details.before,
    after: details.after,
    status,
    labelId,
    ...(labelTitle === undefined ? {} : { labelTitle }),
    ...(label === undefined ? {} : { label }),
    predictedId,
    negatives,
    duplicateIds: [...(annotation?.duplicateIds ?? [])],
  };
}

/** The workspace-relative path shown for a document URI. */
export function documentLabel(uri: string, asRelativePath: (uri: vscode.Uri) => string, parse: (s: string) => vscode.Uri): string {
  try {
    return asRelativePath(parse(uri));
  } catch {
    return uri;
  }
}
