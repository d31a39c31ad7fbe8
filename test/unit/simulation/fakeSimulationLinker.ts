import type { LinkedMention, Span } from '../../../src/core/linker/types';
import type { DecidedSpan, OnlineLearning, SimulatedDecision, SimulationLinker } from '../../../src/core/simulation/simulationTypes';

/** A tiny KB: id -> title. */
export const TITLES: Record<string, string> = {
  city: 'Paris',
  hilton: 'Paris Hilton',
  london: 'London',
  jack: 'Jack London',
  berlin: 'Berlin',
  troy: 'Troy',
  helen: 'Helen of Troy',
};

/** A mention linked to candidates (ids best first, probabilities given or falling by rank). */
export function linked(text: string, start: number, end: number, ids: readonly string[], options: { nil?: boolean; probs?: readonly number[] } = {}): LinkedMention {
  return {
    start,
    end,
    text: text.slice(start, end),
    nil: options.nil ?? false,
    margin: 1,
    hardNegatives: [],
    candidates: ids.map((id, i) => ({ id, title: TITLES[id], score: 1 - i / 10, probability: options.probs?.[i] ?? 0.9 / (i + 1), signals: { retrievedBy: ['lexical'] } })),
  };
}

/**
 * A linker whose answers are scripted per surface form: `ranking[surface]` gives the candidates before
 * learning; a learner that has seen the surface relinked ranks the chosen entity first afterwards.
 * Detection returns the spans in `detect` (per text).
 */
export class FakeLinker implements SimulationLinker {
  /** Surface -> entity learned from relinks (filled by FakeLearner.refit). */
  readonly learned = new Map<string, string>();
  linkDocumentCalls = 0;
  linkSpansCalls = 0;

  constructor(
    private readonly detect: (text: string, decided: readonly DecidedSpan[]) => readonly Span[],
    private readonly ranking: Record<string, { ids: readonly string[]; probs?: readonly number[]; nil?: boolean }>,
  ) {}

  private link(text: string, s: Span): LinkedMention {
    const surface = text.slice(s.start, s.end);
    const r = this.ranking[surface] ?? { ids: [] };
    const chosen = this.learned.get(surface);
    const ids = chosen === undefined ? r.ids : [chosen, ...r.ids.filter((id) => id !== chosen)];
    return linked(text, s.start, s.end, ids, { nil: chosen === undefined ? r.nil : false, probs: chosen === undefined ? r.probs : undefined });
  }

  linkDocument(text: string, decided: readonly DecidedSpan[]): Promise<LinkedMention[]> {
    this.linkDocumentCalls++;
    return Promise.resolve(this.detect(text, decided).map((s) => this.link(text, s)));
  }

  linkSpans(text: string, spans: readonly Span[]): Promise<LinkedMention[]> {
    this.linkSpansCalls++;
    return Promise.resolve(spans.map((s) => this.link(text, s)));
  }

  /** Titles containing every query word as a prefix of one of their words, in TITLES order. */
  searchKb(query: string, limit: number): readonly string[] {
    const words = query.toLowerCase().split(/\s+/).filter(Boolean);
    return Object.entries(TITLES)
      .filter(([, t]) => words.every((w) => t.toLowerCase().split(/\s+/).some((tw) => tw.startsWith(w))))
      .map(([id]) => id)
      .slice(0, limit);
  }

  titleOf(id: string): string | undefined {
    return TITLES[id];
  }
}

/** Records decisions; a refit teaches the linker every relink and Link Selection seen so far. */
export class FakeLearner implements OnlineLearning {
  readonly seen: SimulatedDecision[] = [];
  refits = 0;

  constructor(private readonly linker: FakeLinker) {}

  observe(decision: SimulatedDecision): void {
    this.seen.push(decision);
  }

  refit(): Promise<void> {
    this.refits++;
    for (const d of this.seen) if (d.kbId !== null && (d.action === 'choose' || d.action === 'linkSelection')) this.linker.learned.set(d.text.slice(d.start, d.end), d.kbId);
    return Promise.resolve();
  }
}
