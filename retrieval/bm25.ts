import { terms } from './text.ts';

const K1 = 1.2;
const B = 0.75;

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

  /** Top `k` documents for the query terms, restricted to `allowed` when given. */
  search(queryTerms: string[], k: number, allowed?: Uint8Array | null): { doc: number; score: number }[] {
    const { offsets, docs, tfs, lengths } = this.data;
    const scores = new Map<number, number>();
    for (const term of new Set(queryTerms)) {
      const t = this.termIndex.get(term);
      if (t === undefined) continue;
      const idf = this.idf(term);
      for (let i = offsets[t]!; i < offsets[t + 1]!; i++) {
        const d = docs[i]!;
        if (allowed && !allowed[d]) continue;
        const tf = tfs[i]!;
        const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * lengths[d]!) / this.avgLength));
        scores.set(d, (scores.get(d) ?? 0) + s);
      }
    }
    return [...scores].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
  }
}
