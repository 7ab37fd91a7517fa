import { terms } from './text.ts';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
const K1 = BM25_K1;
const B = BM25_B;

/** The index's arrays, as written to and read from disk. */
export interface Bm25Data {
  vocabulary: string[];
  /** Postings of term t are docs/tfs[offsets[t] … offsets[t+1]). */
  offsets: Uint32Array;
  docs: Uint32Array;
  tfs: Uint16Array;
  /** Terms per document. */
  lengths: Uint32Array;
}

/**
 * Okapi BM25 over chunk texts in flat typed arrays: built once per index generation, saved beside
 * it and loaded with it, never rebuilt per query.
 */
export class Bm25 {
  private readonly termIndex: Map<string, number>;
  private readonly avgLength: number;
  readonly size: number;

  constructor(readonly data: Bm25Data) {
    this.termIndex = new Map(data.vocabulary.map((t, i) => [t, i]));
    this.size = data.lengths.length;
    let total = 0;
    for (const l of data.lengths) total += l;
    this.avgLength = total / Math.max(1, this.size) || 1;
  }

  static build(texts: Iterable<string>): Bm25 {
    const postings = new Map<string, number[]>();
    const lengths: number[] = [];
    let doc = 0;
    for (const text of texts) {
      const counts = new Map<string, number>();
      const ts = terms(text);
      for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, tf] of counts) {
        let p = postings.get(t);
        if (!p) postings.set(t, (p = []));
        p.push(doc, Math.min(tf, 65535));
      }
      lengths.push(ts.length);
      doc++;
    }
    const vocabulary = [...postings.keys()];
    const offsets = new Uint32Array(vocabulary.length + 1);
    let n = 0;
    vocabulary.forEach((t, i) => {
      offsets[i] = n;
      n += postings.get(t)!.length / 2;
    });
    offsets[vocabulary.length] = n;
    const docs = new Uint32Array(n);
    const tfs = new Uint16Array(n);
    let k = 0;
    for (const t of vocabulary) {
      const p = postings.get(t)!;
      for (let i = 0; i < p.length; i += 2, k++) {
        docs[k] = p[i]!;
        tfs[k] = p[i + 1]!;
      }
    }
    return new Bm25({ vocabulary, offsets, docs, tfs, lengths: Uint32Array.from(lengths) });
  }

  /** Inverse document frequency; 0 for a term no chunk has. */
  idf(term: string): number {
    const t = this.termIndex.get(term);
    if (t === undefined) return 0;
    const df = this.data.offsets[t + 1]! - this.data.offsets[t]!;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  // Score accumulator reused across searches (search is synchronous): no per-query Map or full sort.
  private acc: Float64Array | null = null;

  /** Top `k` documents for the query terms, restricted to `allowed` when given; ties go to the earlier document. */
  search(queryTerms: string[], k: number, allowed?: Uint8Array | null): { doc: number; score: number }[] {
    if (k <= 0) return [];
    const { offsets, docs, tfs, lengths } = this.data;
    const acc = (this.acc ??= new Float64Array(this.size));
    const touched: number[] = [];
    for (const term of new Set(queryTerms)) {
      const t = this.termIndex.get(term);
      if (t === undefined) continue;
      const idf = this.idf(term);
      for (let i = offsets[t]!; i < offsets[t + 1]!; i++) {
        const d = docs[i]!;
        if (allowed && !allowed[d]) continue;
        const tf = tfs[i]!;
        // Every term's contribution is positive, so 0 means "not touched yet".
        if (acc[d] === 0) touched.push(d);
        acc[d]! += (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[d]!) / this.avgLength));
      }
    }
    // The best k in a sorted window, kept by insertion: most documents fall below its last entry.
    const top: { doc: number; score: number }[] = [];
    const better = (s: number, d: number, o: { doc: number; score: number }) => s > o.score || (s === o.score && d < o.doc);
    for (const d of touched) {
      const score = acc[d]!;
      acc[d] = 0;
      if (top.length === k && !better(score, d, top[k - 1]!)) continue;
      let i = top.length === k ? k - 1 : top.length;
      if (top.length < k) top.push({ doc: d, score });
      while (i > 0 && better(score, d, top[i - 1]!)) {
        top[i] = top[i - 1]!;
        i--;
      }
      top[i] = { doc: d, score };
    }
    return top;
  }
}
