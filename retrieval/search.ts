import type { Snapshot } from './stores/embedded/snapshot.ts';

export type RetrievalMode = 'hybrid' | 'dense' | 'bm25';

export interface Hit {
  /** Chunk row. */
  row: number;
  /** Cosine of the chunk to the question. */
  dense: number;
  /** BM25 score, 0 when the chunk shares no term. */
  bm25: number;
  /** Fused score used for ordering, 0–1. */
  fused: number;
}

/**
 * Default weight of BM25 in the fusion (dense gets the rest), for callers without a model's
 * calibration; `ask` uses the weight in retrieval/calibration/<model>.json, chosen per model on the
 * even-numbered SQuAD questions and checked on the odd ones (`npm run eval -- --sweep`): 0.8 for
 * USE-lite, 0.7 for MiniLM. Plain reciprocal rank fusion (k = 60) fell below BM25 alone with USE-lite.
 */
export const BM25_WEIGHT = 0.8;

/**
 * Top-k rows by dot product (unit vectors: cosine): from the snapshot's nearest-neighbour graph when
 * it has one and it finds k allowed rows, otherwise by the exact scan. Scores are always exact.
 */
export function denseTopK(snap: Snapshot, q: Float32Array, k: number, allowed: Uint8Array | null): { row: number; score: number }[] {
  if (snap.ann) {
    const rows = snap.ann.search(q, k, allowed);
    if (rows.length === Math.min(k, snap.ann.rows)) return rows.map((row) => ({ row, score: cosine(snap, q, row) })).sort((a, b) => b.score - a.score);
  }
  return exactTopK(snap, q, k, allowed);
}

/** Top-k rows by dot product, exhaustive over the allowed rows. */
export function exactTopK(snap: Snapshot, q: Float32Array, k: number, allowed: Uint8Array | null): { row: number; score: number }[] {
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

/**
 * Dense and BM25 candidates fused by a convex combination of their normalised scores; each hit
 * carries both raw scores.
 */
export function retrieve(snap: Snapshot, q: Float32Array, qTerms: string[], k: number, allowed: Uint8Array | null, mode: RetrievalMode = 'hybrid', bm25Weight = BM25_WEIGHT): Hit[] {
  const depth = Math.max(k, 50);
  const dense = mode === 'bm25' ? [] : denseTopK(snap, q, depth, allowed);
  const lexical = mode === 'dense' ? [] : snap.bm25.search(qTerms, depth, allowed);
  return fuse(dense, lexical.map((l) => ({ row: l.doc, score: l.score, dense: null })), (row) => cosine(snap, q, row), k, mode, bm25Weight);
}

/**
 * The fusion every store shares: `dense` best first by cosine, `lexical` best first by BM25 (with the
 * row's cosine when the store already knows it, otherwise `cosineOf` is asked).
 */
export function fuse(
  dense: { row: number; score: number }[],
  lexical: { row: number; score: number; dense: number | null }[],
  cosineOf: (row: number) => number,
  k: number,
  mode: RetrievalMode = 'hybrid',
  bm25Weight = BM25_WEIGHT,
): Hit[] {
  // With no word of the question in the corpus, meaning is all there is: dense gets the whole weight.
  const w = mode === 'bm25' ? 1 : mode === 'dense' || !lexical.length ? 0 : bm25Weight;
  const hits = new Map<number, Hit>();
  const dMax = dense[0]?.score ?? 0;
  const dMin = dense[dense.length - 1]?.score ?? 0;
  for (const d of dense) hits.set(d.row, { row: d.row, dense: d.score, bm25: 0, fused: ((1 - w) * (d.score - dMin)) / (dMax - dMin || 1) });
  const bMax = lexical[0]?.score || 1;
  for (const l of lexical) {
    const h = hits.get(l.row);
    if (h) {
      h.bm25 = l.score;
      h.fused += (w * l.score) / bMax;
    } else {
      hits.set(l.row, { row: l.row, dense: l.dense ?? cosineOf(l.row), bm25: l.score, fused: (w * l.score) / bMax });
    }
  }
  return [...hits.values()].sort((a, b) => b.fused - a.fused || b.dense - a.dense).slice(0, k);
}
