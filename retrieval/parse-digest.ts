import { parseDate, type ArticleDraft, type BodyBlock } from './article.ts';
import { sentenceSpans, toBlocks } from './text.ts';

/**
 * Plain-text articles and news digests. A digest is a file of several articles, each with a
 * headline, optional byline (before or after the body), standfirst, photo captions, subheadings,
 * author bio and "Courtesy:" line; a date line applies to the articles after it. A plain file is
 * headlines each followed by their paragraphs.
 */

type Block = { text: string; gapBefore: number };

const COURTESY = /^(?:courtesy|source|originally published (?:by|in|at|on))\s*:\s*(.+)$/i;
const RELATED = /^(?:read more|read also|also read|see also|related|recommended)\s*:/i;
const CAPTION = /\bphoto(?:graph)?s?(?:\s+credit)?\s*:|\b(?:image|picture|file photo)\s*:|\((?:l|r|c|left|right|cent(?:re|er)|top|bottom)\)/i;
const DATELINE_END = /,\s*(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+\d{1,2},\s*\d{4}\.?$/i;
const NAME_TOKEN = /^(?:\p{Lu}[\p{L}'’-]*\.?|(?:\p{Lu}\.)+\p{Lu}?\.?|de|da|del|della|der|di|du|la|le|van|von|bin|ibn|al|el|and|&)$/u;

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;
const sentenceCount = (s: string) => sentenceSpans(s).length;

function headlineLike(s: string): boolean {
  const n = wordCount(s);
  return n >= 1 && n <= 20 && !/[.,;:]$/.test(s) && !/^\p{Ll}/u.test(s) && sentenceCount(s) === 1 && !COURTESY.test(s);
}

/** "M.K. Bhadrakumar", "Peoples Dispatch", "By Jane Doe": a byline, not a headline. */
function nameLike(s: string): string | null {
  const name = s.replace(/^by\s+/i, '');
  const tokens = name.split(/\s+/);
  if (tokens.length < 1 || tokens.length > 5 || /\d/.test(name)) return null;
  if (!tokens.every((t) => NAME_TOKEN.test(t)) || !/^\p{Lu}/u.test(tokens[0]!)) return null;
  return name;
}

/** A photo caption or its credit line ("… Photo: Jane Doe / Agency"). */
export function isCaption(s: string): boolean {
  return CAPTION.test(s);
}

export function isBio(s: string, author: string | null): boolean {
  if (!author) return false;
  const surname = author.split(/\s+/).pop()!.toLowerCase();
  const head = s.split(/\s+/).slice(0, 4).join(' ').toLowerCase();
  return head.includes(surname) && /\b(?:is|was)\s+(?:a|an|the)\b/i.test(s.split(/\s+/).slice(0, 12).join(' '));
}

interface Draft extends ArticleDraft {
  body: BodyBlock[];
  notes: string[];
  ended: boolean;
  inHeader: boolean;
}

export function parseDigest(raw: string, fallbackTitle: string): ArticleDraft[] {
  const blocks: Block[] = toBlocks(raw);
  const rich = blocks.some(
    (b, i) => parseDate(b.text) || COURTESY.test(b.text) || (headlineLike(b.text) && nameLike(blocks[i + 1]?.text ?? '') && i + 2 < blocks.length),
  );
  const out: Draft[] = [];
  let cur = null as Draft | null;
  let date: string | null = null;

  const hasBody = (d: Draft | null) => !!d && d.body.some((b) => 'para' in b);
  const startsArticle = (i: number): boolean => {
    const b = blocks[i];
    if (!b || !headlineLike(b.text) || parseDate(b.text)) return false;
    if (!rich || !cur || cur.ended) return true;
    if (cur.inHeader) return false;
    const next = blocks[i + 1];
    return !next || next.gapBefore >= 2 || !!nameLike(next.text);
  };
  const newArticle = (title: string) => {
    cur = { title, date, author: null, source: null, standfirst: null, notes: [], body: [], ended: false, inHeader: true };
    out.push(cur);
  };

  for (let i = 0; i < blocks.length; i++) {
    const text = blocks[i]!.text;
    const next = blocks[i + 1];
    const d = parseDate(text);
    if (d) {
      date = d;
      if (cur && !hasBody(cur)) cur.date = d;
      continue;
    }
    const courtesy = COURTESY.exec(text);
    if (courtesy) {
      if (cur) {
        cur.source ??= courtesy[1]!;
        cur.ended = true;
      }
      continue;
    }
    if (RELATED.test(text)) continue;
    const c: Draft | null = cur;
    if (c && c.inHeader && !c.author && !c.standfirst && nameLike(text)) {
      c.author = nameLike(text);
      continue;
    }
    if (c && hasBody(c) && nameLike(text) && (!next || startsArticle(i + 1))) {
      c.author ??= nameLike(text);
      c.ended = true;
      continue;
    }
    if (startsArticle(i)) {
      newArticle(text);
      continue;
    }
    if (!c) {
      newArticle(fallbackTitle);
      i--;
      continue;
    }
    if (isCaption(text) || (c.inHeader && DATELINE_END.test(text))) {
      c.notes.push(text);
      continue;
    }
    if (rich && c.inHeader) {
      if (!c.standfirst && sentenceCount(text) <= 2 && wordCount(text) <= 50 && next && !headlineLike(next.text)) {
        c.standfirst = text;
        continue;
      }
      if (c.standfirst && wordCount(text) <= 25) {
        c.notes.push(text);
        continue;
      }
    }
    const tail = !next || COURTESY.test(next.text) || startsArticle(i + 1) || (!!nameLike(next.text) && startsArticle(i + 2));
    if (tail && isBio(text, c.author ?? null)) {
      c.notes.push(text);
      c.ended = true;
      continue;
    }
    c.inHeader = false;
    if (headlineLike(text) && wordCount(text) <= 14 && next && !headlineLike(next.text)) {
      c.body.push({ heading: text });
    } else {
      c.body.push({ para: text });
    }
  }
  return out.map(({ ended: _e, inHeader: _h, ...draft }) => draft);
}
