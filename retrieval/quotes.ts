import type { TermStats } from './stores/search-index.ts';
import { terms } from './text.ts';

/** Query terms with their weights. A term the corpus never uses weighs most: it is evidence of a topic we do not cover. */
export class QueryTerms {
  readonly weights = new Map<string, number>();
  readonly total: number;
  constructor(readonly list: string[], bm25: TermStats) {
    const unseen = Math.log(1 + (bm25.size + 0.5) / 0.5);
    for (const t of new Set(list)) this.weights.set(t, bm25.idf(t) || unseen);
    this.total = [...this.weights.values()].reduce((a, b) => a + b, 0);
  }

  /** Share of the question's term weight that `text` contains (0..1). */
  coverage(text: string): number {
    if (!this.total) return 0;
    const present = new Set(terms(text));
    let got = 0;
    for (const [t, w] of this.weights) if (present.has(t)) got += w;
    return got / this.total;
  }
}
