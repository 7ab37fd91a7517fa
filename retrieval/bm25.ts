import { terms } from './text.ts';

const K1 = 1.2;
const B = 0.75;

/** Okapi BM25 over chunk texts, built once per snapshot and kept in memory (not rebuilt per query). */
export class Bm25 {
  private readonly postings = new Map<string, { docs: number[]; tfs: number[] }>();
  private readonly lengths: Float32Array;
  private readonly avgLength: number;
  readonly size: number;

  constructor(texts: Iterable<string>) {
    const lengths: number[] = [];
    let doc = 0;
    for (const text of texts) {
      const counts = new Map<string, number>();
      const ts = terms(text);
      for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
      for (const [t, tf] of counts) {
        let p = this.postings.get(t);
        if (!p) this.postings.set(t, (p = { docs: [], tfs: [] }));
        p.docs.push(doc);
        p.tfs.push(tf);
      }
      lengths.push(ts.length);
      doc++;
    }
    this.size = doc;
    this.lengths = Float32Array.from(lengths);
    this.avgLength = lengths.reduce((a, b) => a + b, 0) / Math.max(1, doc) || 1;
  }

  /** Inverse document frequency; 0 for a term no chunk has. */
  idf(term: string): number {
    const df = this.postings.get(term)?.docs.length ?? 0;
    if (!df) return 0;
    return Math.log(1 + (this.size - df + 0.5) / (df + 0.5));
  }

  /** Top `k` documents for the query terms, restricted to `allowed` when given. */
  search(queryTerms: string[], k: number, allowed?: Uint8Array | null): { doc: number; score: number }[] {
    const scores = new Map<number, number>();
    for (const t of new Set(queryTerms)) {
      const p = this.postings.get(t);
      if (!p) continue;
      const idf = this.idf(t);
      for (let i = 0; i < p.docs.length; i++) {
        const d = p.docs[i]!;
        if (allowed && !allowed[d]) continue;
        const tf = p.tfs[i]!;
        const s = (idf * tf * (K1 + 1)) / (tf + K1 * (1 - B + (B * this.lengths[d]!) / this.avgLength));
        scores.set(d, (scores.get(d) ?? 0) + s);
      }
    }
    return [...scores].map(([doc, score]) => ({ doc, score })).sort((a, b) => b.score - a.score || a.doc - b.doc).slice(0, k);
  }
}
