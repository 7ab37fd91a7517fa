import type { Embedder } from '../embeddings/embedder.ts';
import { sentenceSpans } from './text.ts';
import { metaOf, type Article, type ArticleMeta } from './types.ts';

export interface SummarySentence {
  text: string;
  /** 1-based paragraph number. */
  paragraph: number;
  start: number;
  end: number;
}

export interface Summary {
  article: ArticleMeta;
  standfirst: string | null;
  sentences: SummarySentence[];
}

const MAX_SENTENCES_CONSIDERED = 300;
const DIVERSITY = 0.7;

/**
 * Extractive summary: the sentences closest to the article's centroid in embedding space, kept
 * diverse (MMR) and given in article order. Every sentence is verbatim and cites its paragraph.
 */
export async function summarize(article: Article, embedder: Embedder, maxSentences?: number): Promise<Summary> {
  const sentences: SummarySentence[] = [];
  article.paragraphs.forEach((p, i) => {
    for (const s of sentenceSpans(article.text.slice(p.start, p.end))) {
      const start = p.start + s.start;
      const end = p.start + s.end;
      sentences.push({ text: article.text.slice(start, end), paragraph: i + 1, start, end });
    }
  });
  const pool = sentences.slice(0, MAX_SENTENCES_CONSIDERED).filter((s) => s.text.split(/\s+/).length >= 6);
  const candidates = pool.length ? pool : sentences.slice(0, 1);
  const k = maxSentences ?? Math.max(2, Math.min(5, Math.round(candidates.length / 6)));
  const vecs = await embedder.embed(candidates.map((s) => s.text));
  const centroid = new Float32Array(embedder.dim);
  for (const v of vecs) for (let j = 0; j < v.length; j++) centroid[j]! += v[j]!;
  const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, j) => s + x * b[j]!, 0);
  const norm = Math.sqrt(dot(centroid, centroid)) || 1;
  // A slight lead bias: news puts its key facts first.
  const relevance = vecs.map((v, i) => dot(v, centroid) / norm + (candidates[i]!.paragraph <= 2 ? 0.05 : 0));
  const picked: number[] = [];
  while (picked.length < Math.min(k, candidates.length)) {
    let best = -1;
    let bestScore = -Infinity;
    relevance.forEach((r, i) => {
      if (picked.includes(i)) return;
      const redundancy = picked.length ? Math.max(...picked.map((p) => dot(vecs[i]!, vecs[p]!))) : 0;
      const score = DIVERSITY * r - (1 - DIVERSITY) * redundancy;
      if (score > bestScore) [best, bestScore] = [i, score];
    });
    picked.push(best);
  }
  return { article: metaOf(article), standfirst: article.standfirst, sentences: picked.sort((a, b) => a - b).map((i) => candidates[i]!) };
}
