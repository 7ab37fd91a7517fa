import { isBio } from './parse-digest.ts';
import type { Article, Chunk, PassageKind } from './types.ts';

/** The part of its article a chunk is cut from: body, the writer (bio or byline), standfirst or photo caption. */
export function partOf(article: Article, chunk: Pick<Chunk, 'note'>): PassageKind {
  const n = chunk.note;
  if (n === undefined) return 'body';
  if (n < 0) return 'author';
  if (n >= article.notes.length) return 'standfirst';
  return isBio(article.notes[n]!, article.author) ? 'author' : 'caption';
}
