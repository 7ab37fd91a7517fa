import { terms } from './text.ts';

export const BM25_K1 = 1.2;
export const BM25_B = 0.75;
const K1 = BM25_K1;
const B = BM25_B;
// Bounds are sums in another order than a score's: a little headroom, so float rounding never prunes a document that belongs in the top k.
const SLACK = 1 + 1e-9;

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

  // Highest contribution of each term to any document's score (NaN: not computed yet), for pruning.
  private upper: Float64Array | null = null;

  private contribution(idf: number, tf: number, length: number): number {
    return (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * length) / this.avgLength));
  }

  /** The most term `t` adds to any document's score: one pass over its postings, the first time it is asked. */
  private upperBound(t: number, idf: number): number {
    const upper = (this.upper ??= new Float64Array(this.data.vocabulary.length).fill(NaN));
    if (!Number.isNaN(upper[t]!)) return upper[t]!;
    const { offsets, docs, tfs, lengths } = this.data;
    let max = 0;
    for (let i = offsets[t]!; i < offsets[t + 1]!; i++) max = Math.max(max, this.contribution(idf, tfs[i]!, lengths[docs[i]!]!));
    return (upper[t] = max);
  }

  /**
   * Top `k` documents for the query terms, restricted to `allowed` when given; ties go to the earlier document.
   * Exact, and the same scores as scoring every posting (exhaustive), with MaxScore pruning (Turtle & Flood 1995):
   * documents are visited in order, and a term whose upper bound, with all smaller ones, cannot lift a
   * document above the k-th score so far only decides documents other terms bring in (it is looked up by
   * binary search, never walked). Common words in a large corpus are where the postings are; this skips most.
   */
  search(queryTerms: string[], k: number, allowed?: Uint8Array | null): { doc: number; score: number }[] {
    if (k <= 0) return [];
    const { offsets, docs, tfs, lengths } = this.data;
    // Query terms in the order the exhaustive sum adds them: the same additions give the same scores, to the bit.
    const list: { t: number; idf: number; upper: number; slot: number }[] = [];
    for (const term of new Set(queryTerms)) {
      const t = this.termIndex.get(term);
      if (t === undefined) continue;
      const idf = this.idf(term);
      list.push({ t, idf, upper: this.upperBound(t, idf), slot: list.length });
    }
    const n = list.length;
    if (!n) return [];
    list.sort((a, b) => a.upper - b.upper);
    const cursor = Uint32Array.from(list, (x) => offsets[x.t]!);
    const end = Uint32Array.from(list, (x) => offsets[x.t + 1]!);
    // below[j]: the most terms 0…j (smallest bounds first) add together.
    const below = new Float64Array(n);
    for (let j = 0, sum = 0; j < n; j++) below[j] = sum += list[j]!.upper;
    const parts = new Float64Array(n);
    const top: { doc: number; score: number }[] = [];
    // Documents come in increasing order, so a newcomer only enters with a score above the k-th
    // (a tie goes to the earlier document, already in): threshold is that score once k are in.
    let threshold = -Infinity;
    // Terms before `first` are non-essential: together they cannot beat the threshold.
    let first = 0;
    for (;;) {
      let d = Infinity;
      for (let j = first; j < n; j++) if (cursor[j]! < end[j]! && docs[cursor[j]!]! < d) d = docs[cursor[j]!]!;
      if (d === Infinity) break;
      parts.fill(0);
      let partial = 0;
      for (let j = first; j < n; j++) {
        const c = cursor[j]!;
        if (c < end[j]! && docs[c] === d) {
          cursor[j] = c + 1;
          if (allowed && !allowed[d]) continue;
          const x = this.contribution(list[j]!.idf, tfs[c]!, lengths[d]!);
          parts[list[j]!.slot] = x;
          partial += x;
        }
      }
      if (allowed && !allowed[d]) continue;
      let pruned = false;
      for (let j = first - 1; j >= 0; j--) {
        if ((partial + below[j]!) * SLACK <= threshold) {
          pruned = true;
          break;
        }
        const c = (cursor[j] = seek(docs, cursor[j]!, end[j]!, d));
        if (c < end[j]! && docs[c] === d) {
          const x = this.contribution(list[j]!.idf, tfs[c]!, lengths[d]!);
          parts[list[j]!.slot] = x;
          partial += x;
        }
      }
      if (pruned || partial * SLACK <= threshold) continue;
      let score = 0;
      for (let i = 0; i < n; i++) if (parts[i]) score += parts[i]!;
      if (score <= threshold) continue;
      // The best k in a sorted window, kept by insertion; the newcomer goes below any equal score.
      let i = top.length === k ? k - 1 : top.length;
      if (top.length < k) top.push({ doc: d, score });
      while (i > 0 && score > top[i - 1]!.score) {
        top[i] = top[i - 1]!;
        i--;
      }
      top[i] = { doc: d, score };
      if (top.length === k) {
        threshold = top[k - 1]!.score;
        while (first < n && below[first]! * SLACK <= threshold) first++;
      }
    }
    return top;
  }

  // Score accumulator of the exhaustive search, reused across searches (search is synchronous).
  private acc: Float64Array | null = null;

  /**
   * Top `k` by scoring every posting of every query term (the search before pruning): what `search`
   * must return, to the bit (tests), and its baseline (bench:ann).
   */
  searchExhaustive(queryTerms: string[], k: number, allowed?: Uint8Array | null): { doc: number; score: number }[] {
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
        // Every term's contribution is positive, so 0 means "not touched yet".
        if (acc[d] === 0) touched.push(d);
        acc[d]! += this.contribution(idf, tfs[i]!, lengths[d]!);
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

/** First position in docs[from…end) holding a document ≥ d (postings are in document order): galloping, then binary search. */
function seek(docs: Uint32Array, from: number, end: number, d: number): number {
  if (from >= end || docs[from]! >= d) return from;
  let lo = from;
  let step = 1;
  while (lo + step < end && docs[lo + step]! < d) {
    lo += step;
    step *= 2;
  }
  let hi = Math.min(end, lo + step);
  // docs[lo] < d; docs[hi] ≥ d or hi = end.
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    if (docs[mid]! < d) lo = mid;
    else hi = mid;
  }
  return hi;
}
