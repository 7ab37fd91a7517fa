import type { Bm25 } from './bm25.ts';
import { sentenceSpans, terms } from './text.ts';
import type { Span } from './text.ts';

/** Query terms with their weights. A term the corpus never uses weighs most: it is evidence of a topic we do not cover. */
export class QueryTerms {
  readonly weights = new Map<string, number>();
  readonly total: number;
  constructor(readonly list: string[], bm25: Bm25) {
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

export interface Quote extends Span {
  coverage: number;
}

const MAX_QUOTE_WORDS = 90;

/**
 * The sentence (or two adjacent sentences, when the second adds what the question asks) inside
 * `span` of `text` that covers most of the question's terms. Offsets are into `text`.
 */
export function bestQuote(text: string, span: Span, q: QueryTerms): Quote {
  const sentences = sentenceSpans(text.slice(span.start, span.end)).map((s) => ({ start: s.start + span.start, end: s.end + span.start }));
  if (!sentences.length) return { ...span, coverage: q.coverage(text.slice(span.start, span.end)) };
  const cov = sentences.map((s) => q.coverage(text.slice(s.start, s.end)));
  let best: Quote = { ...sentences[0]!, coverage: cov[0]! };
  sentences.forEach((s, i) => {
    if (cov[i]! > best.coverage) best = { ...s, coverage: cov[i]! };
  });
  const i = sentences.findIndex((s) => s.start === best.start);
  const words = (a: number, b: number) => text.slice(a, b).split(/\s+/).length;
  for (const j of [i + 1, i - 1]) {
    const other = sentences[j];
    if (!other) continue;
    const start = Math.min(best.start, other.start);
    const end = Math.max(best.end, other.end);
    const c = q.coverage(text.slice(start, end));
    const short = words(best.start, best.end) < 12;
    if ((c > best.coverage + 0.1 || (short && c >= best.coverage)) && words(start, end) <= MAX_QUOTE_WORDS) {
      best = { start, end, coverage: c };
      break;
    }
  }
  return best;
}
