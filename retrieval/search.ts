import type { Snapshot } from './snapshot.ts';

export type RetrievalMode = 'hybrid' | 'dense' | 'bm25';

export interface Hit {
  /** Chunk row. */
  row: number;
  /** Cosine of the chunk to the question. */
  dense: number;
  /** BM25 score, 0 when the chunk shares no term. */
  bm25: number;
  /** Rank-fusion score used for ordering. */
  fused: number;
}

/** Reciprocal-rank-fusion constant: the usual 60 keeps one list's top hit from dominating. */
const RRF_K = 60;

/** Top-k rows by dot product (unit vectors: cosine), exhaustive over the allowed rows. */
export function denseTopK(snap: Snapshot, q: Float32Array, k: number, allowed: Uint8Array | null): { row: number; score: number }[] {
  const { dim } = snap;
  const v = snap.data.vectors;
  const n = v.length / dim;
  const rows = new Int32Array(k).fill(-1);
  const scores = new Float32Array(k).fill(-Infinity);
  for (let r = 0; r < n; r++) {
    if (allowed && !allowed[r]) continue;
    let s = 0;
    const off = r * dim;
    for (let j = 0; j < dim; j++) s += v[off + j]! * q[j]!;
    if (s <= scores[k - 1]!) continue;
    let i = k - 1;
    while (i > 0 && scores[i - 1]! < s) {
      scores[i] = scores[i - 1]!;
      rows[i] = rows[i - 1]!;
      i--;
    }
    scores[i] = s;
    rows[i] = r;
  }
  const out: { row: number; score: number }[] = [];
  for (let i = 0; i < k && rows[i]! >= 0; i++) out.push({ row: rows[i]!, score: scores[i]! });
  return out;
}

export function cosine(snap: Snapshot, q: Float32Array, row: number): number {
  const off = row * snap.dim;
  let s = 0;
  for (let j = 0; j < snap.dim; j++) s += snap.data.vectors[off + j]! * q[j]!;
  return s;
}

/** Dense and BM25 candidates fused by reciprocal rank; each hit carries both raw scores. */
export function retrieve(snap: Snapshot, q: Float32Array, qTerms: string[], k: number, allowed: Uint8Array | null, mode: RetrievalMode = 'hybrid'): Hit[] {
  const depth = Math.max(k, 50);
  const dense = mode === 'bm25' ? [] : denseTopK(snap, q, depth, allowed);
  const lexical = mode === 'dense' ? [] : snap.bm25.search(qTerms, depth, allowed);
  const hits = new Map<number, Hit>();
  const get = (row: number) => {
    let h = hits.get(row);
    if (!h) hits.set(row, (h = { row, dense: NaN, bm25: 0, fused: 0 }));
    return h;
  };
  dense.forEach((d, rank) => {
    const h = get(d.row);
    h.dense = d.score;
    h.fused += 1 / (RRF_K + rank + 1);
  });
  lexical.forEach((l, rank) => {
    const h = get(l.doc);
    h.bm25 = l.score;
    h.fused += 1 / (RRF_K + rank + 1);
  });
  for (const h of hits.values()) if (Number.isNaN(h.dense)) h.dense = cosine(snap, q, h.row);
  return [...hits.values()].sort((a, b) => b.fused - a.fused || b.dense - a.dense).slice(0, k);
}
