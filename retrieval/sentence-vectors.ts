import type { Embedder } from '../embeddings/embedder.ts';
import { corpusSentences, sentenceKey } from './sentence-tags.ts';
import type { Article } from './types.ts';
import { yielder } from './yielder.ts';

/**
 * The embedding of every corpus sentence a question may weigh (retrieval/answer.ts embeds the
 * sentences of the best chunks to choose the quote by meaning), computed at ingest and saved with
 * the index: re-embedding them was about half a second of every warm CLI `ask`. A vector depends
 * on the sentence's text and the model alone, so the table is keyed by a hash of the text and is
 * only used by an index of the same model. Vectors are kept as float32, exactly what the model
 * gives at question time, so no ranking moves.
 */
export interface SentenceVectors {
  /** Id of the embedder that made them (Embedder.id). */
  model: string;
  dim: number;
  /** Unit vector by sentenceKey(text). */
  vectors: Map<string, Float32Array>;
}

/** A malformed sentence-vector file (`meta`: the keys file, else the vectors); the store reports it as a damaged index file. */
export class SentenceVectorFileError extends Error {
  constructor(
    message: string,
    readonly meta = false,
  ) {
    super(message);
  }
}

/**
 * Sentences kept at most. Float32 at 384 dimensions is 1.5 KB a sentence: the cap holds the file
 * to about 15 MB (20 MB at USE-lite's 512) however large the corpus, and an ingest to about a
 * minute of extra embedding. The seed corpus has about 2.4 sentences a chunk, so the table covers
 * every sentence of a corpus up to about 4,000 chunks; sentences past it are embedded when first
 * weighed, as without a table.
 */
export const SENTENCE_VECTOR_CAP = 10_000;

// As at question time: shortest first, in batches of this many (less padding).
const BATCH = 16;

/**
 * Embeds the sentences of `articles`, in corpus order up to `cap`, reusing the vectors of
 * `previous` (the last index's table) when the model is the same: an incremental ingest embeds only new text.
 */
export async function embedSentences(
  articles: Article[],
  embedder: Embedder,
  previous: SentenceVectors | null,
  opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; cap?: number } = {},
): Promise<{ table: SentenceVectors; embedded: number }> {
  const reuse = previous?.model === embedder.id && previous.dim === embedder.dim ? previous.vectors : null;
  const cap = opts.cap ?? SENTENCE_VECTOR_CAP;
  const vectors = new Map<string, Float32Array>();
  const todo = new Map<string, string>();
  outer: for (const article of articles) {
    for (const text of corpusSentences(article)) {
      if (vectors.size + todo.size >= cap) break outer;
      const key = sentenceKey(text);
      if (vectors.has(key) || todo.has(key)) continue;
      const kept = reuse?.get(key);
      if (kept) vectors.set(key, kept);
      else todo.set(key, text);
    }
  }
  const pending = [...todo].sort((a, b) => a[1].length - b[1].length);
  const pause = yielder(opts.signal);
  opts.onProgress?.(0, pending.length);
  for (let i = 0; i < pending.length; i += BATCH) {
    opts.signal?.throwIfAborted();
    const batch = pending.slice(i, i + BATCH);
    const out = await embedder.embed(batch.map(([, text]) => text));
    batch.forEach(([key], k) => vectors.set(key, out[k]!));
    opts.onProgress?.(Math.min(i + BATCH, pending.length), pending.length);
    await pause();
  }
  return { table: { model: embedder.id, dim: embedder.dim, vectors }, embedded: pending.length };
}

/** The saved vector of a sentence, when the table has it. */
export function storedVector(table: SentenceVectors | null | undefined, text: string): Float32Array | undefined {
  return table?.vectors.get(sentenceKey(text));
}

/** The table as two files: its keys (JSON) and its vectors, row after row (float32, this machine's byte order, as the chunk vectors). */
export function encodeSentenceVectors(t: SentenceVectors): { meta: string; bin: Uint8Array } {
  const keys = [...t.vectors.keys()];
  const rows = new Float32Array(keys.length * t.dim);
  keys.forEach((key, i) => rows.set(t.vectors.get(key)!, i * t.dim));
  return { meta: JSON.stringify({ model: t.model, dim: t.dim, keys }), bin: new Uint8Array(rows.buffer) };
}

/** Reads the two files back; throws SentenceVectorFileError when they are not a table of finite `dim`-dimensional vectors. */
export function decodeSentenceVectors(meta: string, bin: Uint8Array, dim: number): SentenceVectors {
  let m: { model?: unknown; dim?: unknown; keys?: unknown };
  try {
    m = JSON.parse(meta) as typeof m;
  } catch (e) {
    throw new SentenceVectorFileError(`not JSON (${(e as Error).message})`, true);
  }
  if (typeof m?.model !== 'string' || m.dim !== dim || !Array.isArray(m.keys) || !m.keys.every((k) => typeof k === 'string')) {
    throw new SentenceVectorFileError(`not a table of ${dim}-dimensional sentence vectors`, true);
  }
  const keys = m.keys as string[];
  if (bin.byteLength !== keys.length * dim * 4) throw new SentenceVectorFileError(`${bin.byteLength} bytes for ${keys.length} vectors of ${dim} dimensions`);
  // Copied out of the file buffer so the rows are aligned and own their memory.
  const rows = new Float32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + bin.byteLength));
  const vectors = new Map<string, Float32Array>();
  for (const [i, key] of keys.entries()) {
    const v = rows.subarray(i * dim, (i + 1) * dim);
    let norm = 0;
    for (const x of v) norm += x * x;
    // A NaN row would silently score every quote of its sentence NaN.
    if (!Number.isFinite(norm)) throw new SentenceVectorFileError(`vector ${i} holds ${norm}`);
    vectors.set(key, v);
  }
  return { model: m.model, dim, vectors };
}
