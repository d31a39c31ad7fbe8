import type { FinetuneSummary } from '../../core/worker/trainingRequests';

/**
 * Whether a fine-tune improved the model, as the user is told: `improved` when the new folder beat the parent on the
 * dev mentions, `unchanged` when it did not, `unmeasured` when there were no dev mentions to tell. With whole-linker
 * selection (`linker`: the dev accuracy of the parent and of the folder) that comparison decides, since even epoch 0
 * (the parent's head) comes with a refitted ranker and the training documents' learned state; without it (recall
 * selection) an epoch beyond 0 is the improvement (training keeps the best epoch; epoch 0 is the parent itself).
 */
export type FinetuneVerdict = 'improved' | 'unchanged' | 'unmeasured';

export function finetuneVerdict(summary: Pick<FinetuneSummary, 'bestEpoch' | 'devMentions' | 'linker'>): FinetuneVerdict {
  if (summary.devMentions === 0) return 'unmeasured';
  if (summary.linker !== undefined) return summary.linker.after > summary.linker.before ? 'improved' : 'unchanged';
  return summary.bestEpoch > 0 ? 'improved' : 'unchanged';
}

/** The notification after a fine-tune: its text, whether it is a success, and what it offers. */
export function finetuneMessage(verdict: FinetuneVerdict, metricsLine: string): { readonly text: string; readonly success: boolean; readonly offerUse: boolean } {
  switch (verdict) {
    case 'improved':
      return { text: `Entity Linker: fine-tuned model ready: ${metricsLine}.`, success: true, offerUse: true };
    case 'unchanged':
      return {
        text: `Entity Linker: fine-tuning did not improve the model: it does not beat the current model on the dev mentions (${metricsLine}). Keep the current model; label more mentions (or try other negatives) and fine-tune again.`,
        success: false,
        offerUse: false,
      };
    case 'unmeasured':
      return { text: `Entity Linker: fine-tuned, but with no dev mentions its quality is not measured (${metricsLine}). Export with a dev split or label more documents to measure it.`, success: false, offerUse: true };
  }
}
