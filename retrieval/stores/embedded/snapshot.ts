import type { AnnIndex } from './ann.ts';
import { Bm25 } from '../../bm25.ts';
import { cosine, retrieve, type Hit, type RetrievalMode } from '../../search.ts';
import { useSentenceTags } from '../../sentence-tags.ts';
import { storedVector } from '../../sentence-vectors.ts';
import { allowedRows, bioRowsOf, type Scope, type SearchIndex, type TermStats } from '../search-index.ts';
import type { StoredIndex } from './store.ts';
import { sourceText, type Article, type Filters } from '../../types.ts';

/** An immutable, searchable view of one index generation; re-ingest builds a new one and swaps it in. */
export class Snapshot implements SearchIndex {
  readonly byId: Map<string, Article>;
  /** Article of each chunk, by chunk row. */
  readonly chunkArticle: Article[];
  readonly bm25: Bm25;
  readonly dim: number;
  /** Sentence embeddings made at question time (retrieval/answer.ts), kept for the snapshot's life. */
  readonly sentenceVectors = new Map<string, Float32Array>();
  /** Nearest-neighbour graph of the vectors, once built or loaded (large indexes only); exact scan until then. */
  ann: AnnIndex | null = null;
  /** Rows of author-bio chunks, by article id. */
  readonly bioRows: Map<string, number[]>;

  constructor(readonly data: StoredIndex) {
    this.byId = new Map(data.articles.map((a) => [a.id, a]));
    this.chunkArticle = data.chunks.map((c) => this.byId.get(c.articleId)!);
    this.dim = data.manifest.model.dim;
    this.bioRows = bioRowsOf(data.chunks, this.chunkArticle);
    // The newest saved table answers entitySpans. Spans depend on the text alone, so a table left
    // from an older snapshot (or in use beside a snapshot built without one) is still right.
    if (data.tags) useSentenceTags(data.tags);
    // Loaded with the index when it was saved with one; built (once) otherwise.
    this.bm25 = data.bm25 && data.bm25.lengths.length === data.chunks.length
      ? new Bm25(data.bm25)
      : Bm25.build(data.chunks.map((c, i) => `${this.chunkArticle[i]!.title} ${sourceText(this.chunkArticle[i]!, c).slice(c.start, c.end)}`));
  }

  /** Saved at ingest by this snapshot's model (another model's vectors are never mixed in). */
  storedSentenceVector(text: string): Float32Array | undefined {
    const t = this.data.sentences;
    return t && t.model === this.modelId ? storedVector(t, text) : undefined;
  }

  get modelId(): string {
    return this.data.manifest.model.id;
  }

  get generation(): string {
    return this.data.manifest.builtAt;
  }

  get corpusDir(): string | null {
    return this.data.manifest.corpusDir ?? null;
  }

  get articles(): Article[] {
    return this.data.articles;
  }

  get chunks() {
    return this.data.chunks;
  }

  /** Chunk rows allowed by the filters, or null when there are none. */
  allowed(f: Filters): Uint8Array | null {
    return allowedRows(this.articles, this.chunks, f);
  }

  termStats(): Promise<TermStats> {
    return Promise.resolve(this.bm25);
  }

  hybrid(q: Float32Array, qTerms: string[], k: number, scope: Scope, mode?: RetrievalMode, bm25Weight?: number): Promise<Hit[]> {
    const allowed = scope.allowed !== undefined ? scope.allowed : this.allowed(scope.filters ?? {});
    return Promise.resolve(retrieve(this, q, qTerms, k, allowed, mode, bm25Weight));
  }

  cosines(q: Float32Array, rows: number[]): Promise<number[]> {
    return Promise.resolve(rows.map((row) => cosine(this, q, row)));
  }
}
