import type { RetrievalMode, Hit } from '../search.ts';
import type { Article, Chunk, Filters } from '../types.ts';
import { partOf } from '../parts.ts';

/** What the question-term weights need of the lexical side: the chunk count and each term's IDF. */
export interface TermStats {
  readonly size: number;
  idf(term: string): number;
}

/** Which chunks a search may return: a precomputed row mask (evaluation), or the user's filters. */
export interface Scope {
  allowed?: Uint8Array | null;
  filters?: Filters;
}

/**
 * One consistent version of the corpus, as the answer code reads it: whichever store keeps the
 * vectors and the keyword statistics (the embedded index files, or Postgres), chunking, fusion,
 * quoting and refusal only see this. Rows number the chunks of this version, 0…chunks.length-1.
 */
export interface SearchIndex {
  /** Id of the embedding model that made the chunk vectors. */
  readonly modelId: string;
  /** Which version of the corpus this is (the embedded manifest's build time, Postgres's generation number): kept with each answer's votes. */
  readonly generation: string;
  /** Corpus folder the index was built from, when it says. */
  readonly corpusDir: string | null;
  readonly articles: Article[];
  readonly byId: Map<string, Article>;
  readonly chunks: Chunk[];
  /** Article of each chunk, by chunk row. */
  readonly chunkArticle: Article[];
  /** Rows of author-bio chunks, by article id. */
  readonly bioRows: Map<string, number[]>;
  /** Sentence embeddings made at question time, kept for the index version's life. */
  readonly sentenceVectors: Map<string, Float32Array>;
  /** A sentence's embedding saved with the index at ingest, when the store keeps them. */
  storedSentenceVector?(text: string): Float32Array | undefined;
  /** IDF of the given query terms (a store may look up only those). */
  termStats(terms: string[]): Promise<TermStats>;
  /** Dense and keyword candidates of the question fused into the best `k` (retrieval/search.ts fuse). */
  hybrid(q: Float32Array, qTerms: string[], k: number, scope: Scope, mode?: RetrievalMode, bm25Weight?: number): Promise<Hit[]>;
  /** Cosine of the question to each row's vector. */
  cosines(q: Float32Array, rows: number[]): Promise<number[]>;
}

/** Chunk rows allowed by the filters, or null when there are none: the same rule for every store. */
export function allowedRows(articles: Article[], chunks: Chunk[], f: Filters): Uint8Array | null {
  const author = f.author?.trim().toLowerCase();
  const source = f.source?.trim().toLowerCase();
  const only = f.articles ? new Set(f.articles) : null;
  if (!author && !source && !f.since && !f.until && !only) return null;
  const ok = new Map<string, boolean>();
  for (const a of articles) {
    let pass = true;
    if (author) pass &&= !!a.author?.toLowerCase().includes(author);
    if (source) pass &&= !!a.source?.toLowerCase().includes(source);
    if (f.since) pass &&= !!a.date && a.date >= f.since;
    if (f.until) pass &&= !!a.date && a.date <= f.until;
    if (only) pass &&= only.has(a.id);
    ok.set(a.id, pass);
  }
  return Uint8Array.from(chunks, (c) => (ok.get(c.articleId) ? 1 : 0));
}

/** Rows of the author-bio chunks, by article id. */
export function bioRowsOf(chunks: Chunk[], chunkArticle: Article[]): Map<string, number[]> {
  const out = new Map<string, number[]>();
  chunks.forEach((c, row) => {
    if (c.note !== undefined && partOf(chunkArticle[row]!, c) === 'author') out.set(c.articleId, [...(out.get(c.articleId) ?? []), row]);
  });
  return out;
}
