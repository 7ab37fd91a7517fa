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

/**
 * Token counting for chunking, memoised per whitespace-separated word. The tokenizers used here
 * never merge across whitespace (BERT's pre-tokenizer splits on it; SentencePiece marks each word
 * start), so a text's count is the special tokens plus the sum over its words — and news text
 * repeats words, so most lookups skip the tokenizer.
 */
export function wordwiseCounter(count: (text: string) => number, maxEntries = 200_000): (text: string) => number {
  const special = count('');
  const cache = new Map<string, number>();
  return (text) => {
    let n = special;
    for (const w of text.split(/\s+/)) {
      if (!w) continue;
      let c = cache.get(w);
      if (c === undefined) {
        c = count(w) - special;
        if (cache.size >= maxEntries) cache.clear();
        cache.set(w, c);
      }
      n += c;
    }
    return n;
  };
}
