import type { AnnIndex } from './ann.ts';
import { Bm25 } from './bm25.ts';
import type { StoredIndex } from './store.ts';
import { sourceText, type Article, type Filters } from './types.ts';

/** An immutable, searchable view of one index generation; re-ingest builds a new one and swaps it in. */
export class Snapshot {
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
  readonly bioRows = new Map<string, number[]>();

  constructor(readonly data: StoredIndex) {
    this.byId = new Map(data.articles.map((a) => [a.id, a]));
    this.chunkArticle = data.chunks.map((c) => this.byId.get(c.articleId)!);
    this.dim = data.manifest.model.dim;
    data.chunks.forEach((c, row) => {
      if (c.note !== undefined) this.bioRows.set(c.articleId, [...(this.bioRows.get(c.articleId) ?? []), row]);
    });
    // Loaded with the index when it was saved with one; built (once) otherwise.
    this.bm25 = data.bm25 && data.bm25.lengths.length === data.chunks.length
      ? new Bm25(data.bm25)
      : Bm25.build(data.chunks.map((c, i) => `${this.chunkArticle[i]!.title} ${sourceText(this.chunkArticle[i]!, c).slice(c.start, c.end)}`));
  }

  get articles(): Article[] {
    return this.data.articles;
  }

  get chunks() {
    return this.data.chunks;
  }

  /** Chunk rows allowed by the filters, or null when there are none. */
  allowed(f: Filters): Uint8Array | null {
    const author = f.author?.trim().toLowerCase();
    const source = f.source?.trim().toLowerCase();
    const only = f.articles ? new Set(f.articles) : null;
    if (!author && !source && !f.since && !f.until && !only) return null;
    const ok = new Map<string, boolean>();
    for (const a of this.articles) {
      let pass = true;
      if (author) pass &&= !!a.author?.toLowerCase().includes(author);
      if (source) pass &&= !!a.source?.toLowerCase().includes(source);
      if (f.since) pass &&= !!a.date && a.date >= f.since;
      if (f.until) pass &&= !!a.date && a.date <= f.until;
      if (only) pass &&= only.has(a.id);
      ok.set(a.id, pass);
    }
    return Uint8Array.from(this.chunks, (c) => (ok.get(c.articleId) ? 1 : 0));
  }
}
