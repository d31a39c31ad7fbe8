import type { FinetuneSummary } from '../../core/worker/trainingRequests';

/**
 * Whether a fine-tune improved the model, as the user is told: `improved` when an epoch beat the parent on the
 * dev mentions (training keeps the best epoch; epoch 0 is the parent itself), `unchanged` when none did (the new
 * folder scores as the parent does), `unmeasured` when there were no dev mentions to tell.
 */
export type FinetuneVerdict = 'improved' | 'unchanged' | 'unmeasured';

export function finetuneVerdict(summary: Pick<FinetuneSummary, 'bestEpoch' | 'devMentions'>): FinetuneVerdict {
  if (summary.devMentions === 0) return 'unmeasured';
  return summary.bestEpoch > 0 ? 'improved' : 'unchanged';
}

/** The notification after a fine-tune: its text, whether it is a success, and what it offers. */
export function finetuneMessage(verdict: FinetuneVerdict, metricsLine: string): { readonly text: string; readonly success: boolean; readonly offerUse: boolean } {
  switch (verdict) {
    case 'improved':
      return { text: `Entity Linker: fine-tuned model ready: ${metricsLine}.`, success: true, offerUse: true };
    case 'unchanged':
      return {
        text: `Entity Linker: fine-tuning did not improve the model: no epoch beat the current model on the dev mentions (${metricsLine}). Keep the current model; label more mentions (or try other negatives) and fine-tune again.`,
        success: false,
        offerUse: false,
      };
    case 'unmeasured':
      return { text: `Entity Linker: fine-tuned, but with no dev mentions its quality is not measured (${metricsLine}). Export with a dev split or label more documents to measure it.`, success: false, offerUse: true };
  }
}
