import { isBio, isCaption } from './parse-digest.ts';
import { sentenceSpans, type Span } from './text.ts';
import type { Article, Chunk } from './types.ts';

export interface ChunkOptions {
  countTokens: (text: string) => number;
  /** Hard limit: the model's window. */
  maxTokens: number;
  /** Preferred size; paragraphs longer than this are split at sentence boundaries. */
  targetTokens?: number;
}

/**
 * The most characters handed to a tokenizer in one call. Some tokenizers are quadratic in their
 * input (USE-lite's: 1 KB 6 ms, 2 KB 27 ms, 16 KB 0.4 s, 64 KB 79 s), so longer text is counted
 * window by window. Words are far shorter; only runs of non-space (data, garbage) are ever cut.
 */
export const TOKENIZER_WINDOW = 256;

/** No chunk is longer than this, even of text whose words the tokenizer makes one token each. */
export const MAX_CHUNK_CHARS = 4096;

/** Word-like pieces of `text` within `span`: runs of non-space, a run longer than the window cut into windows. */
function* pieces(text: string, span: Span): Generator<Span> {
  const re = /\S+/g;
  re.lastIndex = span.start;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) && m.index < span.end) {
    const end = Math.min(m.index + m[0].length, span.end);
    for (let s = m.index; s < end; s += TOKENIZER_WINDOW) yield { start: s, end: Math.min(s + TOKENIZER_WINDOW, end) };
  }
}

/**
 * Token counts that never feed the tokenizer more than TOKENIZER_WINDOW characters: longer text is
 * cut at whitespace (tokenizers here never merge across it, so counts add up) or, inside a run of
 * non-space longer than a window, every window.
 */
function windowedCounter(count: (t: string) => number): (t: string) => number {
  const overhead = count('');
  return (text) => {
    if (text.length <= TOKENIZER_WINDOW) return count(text);
    let n = overhead;
    let start = 0;
    let end = 0;
    for (const p of pieces(text, { start: 0, end: text.length })) {
      if (p.end - start > TOKENIZER_WINDOW && end > start) {
        n += count(text.slice(start, end)) - overhead;
        start = p.start;
      }
      end = p.end;
    }
    if (end > start) n += count(text.slice(start, end)) - overhead;
    return n;
  };
}

/** Splits a span longer than `max` tokens between words (or inside a window-long run), each word counted once. */
function splitLong(text: string, span: Span, max: number, count: (t: string) => number, overhead: number): Span[] {
  const out: Span[] = [];
  let start = -1;
  let end = -1;
  let tokens = overhead;
  for (const p of pieces(text, span)) {
    const c = count(text.slice(p.start, p.end)) - overhead;
    if (start >= 0 && (tokens + c > max || p.end - start > MAX_CHUNK_CHARS)) {
      out.push({ start, end });
      start = -1;
      tokens = overhead;
    }
    if (start < 0) start = p.start;
    end = p.end;
    tokens += c;
  }
  if (start >= 0) out.push({ start, end });
  return out;
}

/**
 * Over-long paragraphs are cut into pieces of at most this many characters before sentence
 * splitting and tokenizing, so the work per step is bounded whatever one paragraph holds.
 */
export const PIECE_CHARS = 8192;

/** Cuts [start, end) of `text` into pieces of at most PIECE_CHARS: after a sentence end if one is near, else at a space. */
function* longParagraphPieces(text: string, start: number, end: number): Generator<Span> {
  while (end - start > PIECE_CHARS) {
    const window = text.slice(start, start + PIECE_CHARS);
    let cut = -1;
    for (const m of window.matchAll(/[.!?…]["”’)\]]*\s+/g)) if (m.index >= PIECE_CHARS / 2) cut = m.index + m[0].length;
    if (cut < 0) cut = window.lastIndexOf(' ') + 1;
    if (cut <= 0) cut = PIECE_CHARS;
    let pieceEnd = start + cut;
    while (pieceEnd > start && /\s/.test(text[pieceEnd - 1]!)) pieceEnd--;
    yield { start, end: pieceEnd };
    start += cut;
    while (start < end && /\s/.test(text[start]!)) start++;
  }
  if (end > start) yield { start, end };
}

/**
 * Paragraph- and sentence-aware chunks: a paragraph that fits is one chunk; a longer one is cut
 * into runs of whole sentences near `targetTokens`, each overlapping the previous by one sentence.
 * No chunk crosses a paragraph, so every chunk cites exactly one paragraph.
 * Each sentence is tokenized once and runs are sized by summing (tokenizers split at whitespace, so
 * counts add up, give or take a token at a boundary); a run near the hard limit is re-counted whole.
 */
export function chunkArticle(article: Article, opts: ChunkOptions): Chunk[] {
  const steps = chunkSteps(article, opts);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/**
 * chunkArticle in steps of bounded work (a paragraph, or a piece of a long one), so a caller can
 * yield between them; each step yields how far into the article's text it has got.
 */
export function* chunkSteps(article: Article, opts: ChunkOptions): Generator<number, Chunk[]> {
  const max = opts.maxTokens;
  const target = Math.min(opts.targetTokens ?? 128, max);
  const count = windowedCounter(opts.countTokens);
  // Special tokens ([CLS], [SEP]…) each count includes once.
  const overhead = count('');
  const text = article.text;
  const chunks: Chunk[] = [];
  const push = (p: number, start: number, end: number) =>
    chunks.push({ id: `${article.id}#${chunks.length}`, articleId: article.id, paragraph: p, section: article.paragraphs[p]!.section, start, end });

  for (const [p, para] of article.paragraphs.entries()) {
    if (para.end - para.start <= PIECE_CHARS && count(text.slice(para.start, para.end)) <= target) {
      push(p, para.start, para.end);
      yield para.end;
      continue;
    }
    for (const piece of longParagraphPieces(text, para.start, para.end)) {
      const sentences: Span[] = [];
      const cost: number[] = [];
      for (const s of sentenceSpans(text.slice(piece.start, piece.end))) {
        const span = { start: s.start + piece.start, end: s.end + piece.start };
        const tokens = count(text.slice(span.start, span.end));
        const parts = tokens > max || span.end - span.start > MAX_CHUNK_CHARS ? splitLong(text, span, max, count, overhead) : [span];
        for (const part of parts) {
          sentences.push(part);
          cost.push((parts.length > 1 ? count(text.slice(part.start, part.end)) : tokens) - overhead);
        }
      }
      let i = 0;
      while (i < sentences.length) {
        let j = i + 1;
        let tokens = overhead + cost[i]!;
        while (j < sentences.length && tokens + cost[j]! <= target && sentences[j]!.end - sentences[i]!.start <= MAX_CHUNK_CHARS) tokens += cost[j++]!;
        // Allow one token of drift per sentence boundary before paying for a re-count.
        if (tokens + (j - i) > max) while (j - 1 > i && count(text.slice(sentences[i]!.start, sentences[j - 1]!.end)) > max) j--;
        push(p, sentences[i]!.start, sentences[j - 1]!.end);
        if (j >= sentences.length) break;
        i = j - 1 > i ? j - 1 : j;
      }
      yield piece.end;
    }
  }
  // A writer's bio, a photo caption and the standfirst are answerable ("who is the author?", "who took the
  // photo?") but never body text: each gets chunks of its own, its `note` index naming the text it is cut from.
  const outside = article.notes.flatMap((note, n) => (isBio(note, article.author) || isCaption(note) ? [{ n, text: note }] : []));
  if (article.standfirst) outside.push({ n: article.notes.length, text: article.standfirst });
  for (const { n, text: part } of outside) {
    for (const span of count(part) <= max ? [{ start: 0, end: part.length }] : splitLong(part, { start: 0, end: part.length }, max, count, overhead)) {
      chunks.push({ id: `${article.id}#${chunks.length}`, articleId: article.id, paragraph: -1, section: null, start: span.start, end: span.end, note: n });
    }
    yield text.length;
  }
  return chunks;
}
