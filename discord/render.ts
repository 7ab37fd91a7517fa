import { citation as baseCitation, PART_LABELS, type ArticleMeta, type Passage } from '../retrieval/types.ts';
import { clipPoint } from './limits.ts';

/** "Title — Author · Source · 2024-05-24": the engine's citation with Discord's separator. */
export const citation = (a: ArticleMeta): string => baseCitation(a, ' · ');

/** An article URL an embed may link to; Discord rejects the whole message for anything else. */
export const embedUrl = (url: string | null | undefined): string | undefined => (url && /^https?:\/\/\S+$/.test(url) ? url : undefined);

/** Where a passage sits: "¶4 · Israel’s defeat", or "About the author", "Standfirst", "Photo caption" for a quote from outside the body. */
export function location(p: Pick<Passage, 'paragraph' | 'section' | 'kind'>): string {
  if (p.kind !== 'body') return PART_LABELS[p.kind];
  return p.section ? `¶${p.paragraph} · ${p.section}` : `¶${p.paragraph}`;
}

/** Markdown citation of a passage: `— *Title — Author · Source · Date*, ¶4`, or for a bio quote `— *About the author: Name* · Title — Source · Date`. */
export function passageCitation(p: Pick<Passage, 'paragraph' | 'section' | 'kind' | 'article'>): string {
  if (p.kind === 'author') {
    const a = p.article;
    const rest = [a.title, a.source && a.source !== a.author ? a.source : null, a.date].filter(Boolean).join(' · ');
    const who = a.author ? `About the author: ${a.author}` : 'About the author';
    return `— *${safeText(who, 200).text}* · ${safeText(rest, 300).text}`;
  }
  return `— *${safeText(citation(p.article), 300).text}*, ${safeText(location(p), 200).text}`;
}

/** Probabilities at or above these read as a strong / good match. */
export const CUE_STRONG = 0.75;
export const CUE_GOOD = 0.5;

/** A cue users can read at a glance, from the passage's probability of answering the question. */
export function confidenceCue(probability: number): string {
  if (probability >= CUE_STRONG) return '🟢 strong match';
  if (probability >= CUE_GOOD) return '🟡 good match';
  return '🟠 possible match';
}

// Characters that format text anywhere in a line, and the ones left alone inside a URL (escaping them breaks the link).
const INLINE = new Set(['\\', '*', '_', '~', '`', '|', '[', ']', '<']);
const URL_SAFE = new Set(['_', '~']);

interface Context {
  /** Indices of line-start markers: block quote `>`, heading `#`, list `-`, the dot of `1.`. */
  lineMarks: Set<number>;
  urls: { start: number; end: number }[];
}

function contextOf(text: string): Context {
  const lineMarks = new Set<number>();
  for (const m of text.matchAll(/^[ \t]*(?:[>#-]|\d+\.(?=[ \t]))/gm)) lineMarks.add(m.index + m[0].length - 1);
  const urls = [...text.matchAll(/https?:\/\/[^\s<>]+/g)].map((m) => ({ start: m.index, end: m.index + m[0].length }));
  return { lineMarks, urls };
}

/**
 * The markdown-escaped text, cut at `cuts` (ascending offsets into `text`) into `cuts.length + 1`
 * pieces. Each character is escaped on its own, with the whole text as context, so markers put
 * between the pieces never touch an escape and the pieces joined equal the whole text escaped.
 */
function escapePieces(text: string, cuts: number[], ctx: Context = contextOf(text)): string[] {
  const out: string[] = [];
  let piece = '';
  let c = 0;
  let url = 0;
  for (let i = 0; i <= text.length; i++) {
    while (c < cuts.length && cuts[c]! <= i) {
      out.push(piece);
      piece = '';
      c++;
    }
    if (i === text.length) break;
    const ch = text[i]!;
    while (url < ctx.urls.length && ctx.urls[url]!.end <= i) url++;
    const inUrl = url < ctx.urls.length && ctx.urls[url]!.start <= i;
    piece += ctx.lineMarks.has(i) || (INLINE.has(ch) && !(inUrl && URL_SAFE.has(ch))) ? `\\${ch}` : ch;
  }
  out.push(piece);
  while (out.length < cuts.length + 1) out.push('');
  return out;
}

/** Text with every Discord markdown character escaped: it shows exactly as written. */
export function escapeText(text: string): string {
  return escapePieces(text, [])[0]!;
}

/** The answer span of a quote worth bolding: inside the quote, not blank, on one line and not inside a link; trimmed of spaces. */
function boldSpan(quote: string, answer: Passage['answer'], ctx: Context): { start: number; end: number } | null {
  if (!answer || !Number.isInteger(answer.start) || !Number.isInteger(answer.end)) return null;
  let { start, end } = answer;
  if (start < 0 || end > quote.length || start >= end) return null;
  while (start < end && /\s/.test(quote[start]!)) start++;
  while (end > start && /\s/.test(quote[end - 1]!)) end--;
  if (start === end || quote.slice(start, end).includes('\n')) return null;
  if (ctx.urls.some((u) => u.start < end && start < u.end)) return null;
  return { start, end };
}

export interface RenderedQuote {
  /** Markdown, at most `max` characters. */
  text: string;
  /** The quote was shortened (with an ellipsis). */
  clipped: boolean;
  /** The answer span is in bold (it survived the shortening). */
  bold: boolean;
}

/**
 * A quote as Discord markdown of at most `max` characters: escaped so it shows verbatim, shortened
 * at a sentence or word with "…" if need be, and the answer span, `quote.slice(answer.start,
 * answer.end)`, in bold when it is kept whole (a span the shortening cuts loses its bold, never
 * leaving a lone `**`).
 */
export function renderQuote(quote: string, answer: Passage['answer'], max: number): RenderedQuote {
  const ctx = contextOf(quote);
  const span = boldSpan(quote, answer, ctx);
  let limit = max;
  while (limit > 0) {
    const { keep, tail } = clipPoint(quote, limit);
    const bold = span && span.end <= keep ? span : null;
    let text: string;
    if (bold) {
      const [before, inside, after] = escapePieces(quote.slice(0, keep), [bold.start, bold.end], ctx);
      text = `${before}**${inside}**${after}${tail}`;
    } else {
      text = escapePieces(quote.slice(0, keep), [], ctx)[0]! + tail;
    }
    if (text.length <= max) return { text, clipped: keep < quote.length, bold: !!bold };
    limit -= text.length - max;
  }
  return { text: '', clipped: quote.length > 0, bold: false };
}

/** Markdown-escaped text no longer than `max`, shortened (with an ellipsis) at a sentence or word. */
export function safeText(text: string, max: number): { text: string; clipped: boolean } {
  const r = renderQuote(text, null, max);
  return { text: r.text, clipped: r.clipped };
}

/** Each line prefixed as a Discord block quote. */
export function blockQuote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}
