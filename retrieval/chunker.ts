import { isBio } from './parse-digest.ts';
import { sentenceSpans, type Span } from './text.ts';
import type { Article, Chunk } from './types.ts';

export interface ChunkOptions {
  countTokens: (text: string) => number;
  /** Hard limit: the model's window. */
  maxTokens: number;
  /** Preferred size; paragraphs longer than this are split at sentence boundaries. */
  targetTokens?: number;
}

/** Splits a span longer than `max` tokens at word boundaries. */
function splitLong(text: string, span: Span, max: number, count: (t: string) => number): Span[] {
  const out: Span[] = [];
  const re = /\S+/g;
  re.lastIndex = span.start;
  let start = span.start;
  let end = span.start;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m.index < span.end) {
    const wordEnd = Math.min(m.index + m[0].length, span.end);
    if (end > start && count(text.slice(start, wordEnd)) > max) {
      out.push({ start, end });
      start = m.index;
    }
    end = wordEnd;
  }
  if (end > start) out.push({ start, end });
  return out;
}

/**
 * Paragraph- and sentence-aware chunks: a paragraph that fits is one chunk; a longer one is cut
 * into runs of whole sentences near `targetTokens`, each overlapping the previous by one sentence.
 * No chunk crosses a paragraph, so every chunk cites exactly one paragraph.
 * Each sentence is tokenized once and runs are sized by summing (tokenizers split at whitespace, so
 * counts add up, give or take a token at a boundary); a run near the hard limit is re-counted whole.
 */
export function chunkArticle(article: Article, opts: ChunkOptions): Chunk[] {
  const max = opts.maxTokens;
  const target = Math.min(opts.targetTokens ?? 128, max);
  const count = opts.countTokens;
  // Special tokens ([CLS], [SEP]…) each count includes once.
  const overhead = count('');
  const text = article.text;
  const chunks: Chunk[] = [];
  const push = (p: number, start: number, end: number) =>
    chunks.push({ id: `${article.id}#${chunks.length}`, articleId: article.id, paragraph: p, section: article.paragraphs[p]!.section, start, end });

  article.paragraphs.forEach((para, p) => {
    if (count(text.slice(para.start, para.end)) <= target) {
      push(p, para.start, para.end);
      return;
    }
    const sentences: Span[] = [];
    const cost: number[] = [];
    for (const s of sentenceSpans(text.slice(para.start, para.end))) {
      const span = { start: s.start + para.start, end: s.end + para.start };
      const tokens = count(text.slice(span.start, span.end));
      const pieces = tokens > max ? splitLong(text, span, max, count) : [span];
      for (const piece of pieces) {
        sentences.push(piece);
        cost.push((pieces.length > 1 ? count(text.slice(piece.start, piece.end)) : tokens) - overhead);
      }
    }
    let i = 0;
    while (i < sentences.length) {
      let j = i + 1;
      let tokens = overhead + cost[i]!;
      while (j < sentences.length && tokens + cost[j]! <= target) tokens += cost[j++]!;
      // Allow one token of drift per sentence boundary before paying for a re-count.
      if (tokens + (j - i) > max) while (j - 1 > i && count(text.slice(sentences[i]!.start, sentences[j - 1]!.end)) > max) j--;
      push(p, sentences[i]!.start, sentences[j - 1]!.end);
      if (j >= sentences.length) break;
      i = j - 1 > i ? j - 1 : j;
    }
  });
  // A writer's bio is answerable ("who is the author?") but never body text: it gets chunks of its own.
  article.notes.forEach((note, n) => {
    if (!isBio(note, article.author)) return;
    for (const span of count(note) <= max ? [{ start: 0, end: note.length }] : splitLong(note, { start: 0, end: note.length }, max, count)) {
      chunks.push({ id: `${article.id}#${chunks.length}`, articleId: article.id, paragraph: -1, section: null, start: span.start, end: span.end, note: n });
    }
  });
  return chunks;
}
