/** News articles from ../shared/data parsed as the bot parses them, and their chunks for one embedder. */
import { buildArticle } from '../retrieval/article.ts';
import { chunkArticle, type ChunkOptions } from '../retrieval/chunker.ts';
import { recordToDraft } from '../retrieval/parse-formats.ts';
import { sourceText, type Article, type Chunk } from '../retrieval/types.ts';
import { loadJsonl } from './shared-data.ts';

/** Articles of a shared JSONL file (ids kept, so chunk ids are stable across runs); unparseable records skipped. */
export function newsArticles(file: 'reuters21578.jsonl' | 'bbc-news.jsonl'): Article[] {
  return loadJsonl(file).flatMap((r) => {
    try {
      const a = buildArticle(recordToDraft(r), file, file.split('.')[0]!);
      return a ? [{ ...a, id: r.id }] : [];
    } catch {
      return [];
    }
  });
}

export function chunksOf(articles: Article[], tokenizer: ChunkOptions): Chunk[][] {
  return articles.map((a) => chunkArticle(a, tokenizer));
}

/** The text the ingest embeds for a chunk. */
export function chunkText(article: Article, chunk: Chunk): string {
  return sourceText(article, chunk).slice(chunk.start, chunk.end);
}

/**
 * The first articles of `base` until `n` chunks; past the end the corpus repeats with distinct ids
 * (`id~1`, …), which only random-vector runs use (real vectors stop at the end of the corpus).
 */
export function corpusOf(base: Article[], baseChunks: Chunk[][], n: number): { articles: Article[]; chunks: Chunk[] } {
  const articles: Article[] = [];
  const chunks: Chunk[] = [];
  for (let copy = 0; chunks.length < n; copy++) {
    for (let i = 0; i < base.length && chunks.length < n; i++) {
      const id = copy ? `${base[i]!.id}~${copy}` : base[i]!.id;
      articles.push({ ...base[i]!, id });
      for (const c of baseChunks[i]!) chunks.push({ ...c, id: `${id}#${c.id.split('#')[1]}`, articleId: id });
    }
  }
  return { articles, chunks };
}
