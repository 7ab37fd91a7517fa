/** A sentence-embedding model. Vectors come back L2-normalised, so a dot product is the cosine. */
export interface Embedder {
  /** Identifies model and settings; an index built by another id is re-embedded from scratch. */
  readonly id: string;
  readonly dim: number;
  /** Longest input, in the model's own tokens, that the model sees whole. */
  readonly maxTokens: number;
  countTokens(text: string): number;
  embed(texts: string[]): Promise<Float32Array[]>;
}

export function normalize(v: ArrayLike<number>): Float32Array {
  const out = Float32Array.from(v);
  let norm = 0;
  for (let i = 0; i < out.length; i++) norm += out[i]! * out[i]!;
  norm = Math.sqrt(norm) || 1;
  for (let i = 0; i < out.length; i++) out[i]! /= norm;
  return out;
}
