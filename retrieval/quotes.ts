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

  /** Share of the question's term weight that `text` contains (0..1); a term also matches its kin (see `akin`). */
  coverage(text: string): number {
    if (!this.total) return 0;
    const present = new Set(terms(text));
    let got = 0;
    for (const [t, w] of this.weights) if (present.has(t) || hasKin(present, t)) got += w;
    return got / this.total;
  }
}

function hasKin(present: Set<string>, t: string): boolean {
  for (const u of present) if (akin(t, u)) return true;
  return false;
}

/**
 * Stems of one word family the stemmer leaves apart, one a prefix of the other: "parliamentari" and
 * "parliament", "russian" and "russia", "palestin" and "palestinian". Short stems and numbers never match this way.
 */
export function akin(a: string, b: string, shortest = 5): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return short.length >= shortest && short !== long && long.startsWith(short) && !/\d/.test(short);
}
