import { eng } from 'stopword';
import { stemmer } from 'stemmer';

// Characters that show as nothing yet split or disguise words: soft hyphen, zero-width spaces and
// joiners, word joiner and invisible operators, byte-order mark, and the bidi controls (marks,
// embeddings, overrides, isolates) — an override echoed back would also reverse the rest of the line.
const INVISIBLE = /[\u00ad\u061c\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Removes invisible characters (see INVISIBLE): "rail\u00adway" and "rail\u200bway" become "railway". */
export function stripInvisible(s: string): string {
  return s.replace(INVISIBLE, '');
}

/** A question, title or name typed by a user, normalised as article text is. */
export function normalizeQuery(s: string): string {
  return normalizeLine(s.replace(/\s+/g, ' '));
}

/**
 * One normalisation for every text we store, so offsets computed on it stay valid and every quote
 * is an exact substring of what we show: invisible characters removed, NFC, no-break and other
 * exotic spaces to plain spaces, runs of spaces/tabs folded, lines trimmed.
 */
export function normalizeLine(s: string): string {
  return stripInvisible(s)
    .normalize('NFC')
    .replace(/[\u00a0\u2000-\u200a\u202f\u205f\u3000]/g, ' ')
    .replace(/[\t\f\v ]+/g, ' ')
    .trim();
}

/** Splits text into blocks on blank lines; lines inside a block are joined (hard-wrapped prose). */
export function toBlocks(raw: string): { text: string; gapBefore: number }[] {
  const lines = raw.replace(/\r\n?/g, '\n').split('\n');
  const blocks: { text: string; gapBefore: number }[] = [];
  let current: string[] = [];
  let gap = 0;
  const flush = () => {
    if (current.length) blocks.push({ text: normalizeLine(current.join(' ')), gapBefore: gap });
    current = [];
  };
  for (const line of lines) {
    if (normalizeLine(line) === '') {
      if (current.length) {
        flush();
        gap = 0;
      }
      gap++;
    } else {
      current.push(line);
    }
  }
  flush();
  return blocks;
}

// Abbreviations after which ICU wrongly ends a sentence ("Mr. Adnan", "H.E. Mr.", "M.K. Bhadrakumar").
const ABBREVIATION = /(?:^|[\s(“"‘'])(?:Mr|Mrs|Ms|Dr|Prof|St|Sr|Jr|Gen|Sen|Rep|Gov|Lt|Col|Capt|Sgt|Inc|Ltd|Co|Corp|vs|etc|No|Vol|Fig|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec|e\.g|i\.e|[A-Z](?:\.[A-Z])*)\.\s*$/;
const segmenter = new Intl.Segmenter('en', { granularity: 'sentence' });

export interface Span {
  start: number;
  end: number;
}

/** Sentence spans of `text` (offsets into it), trailing spaces excluded. */
export function sentenceSpans(text: string): Span[] {
  const raw: Span[] = [];
  for (const seg of segmenter.segment(text)) {
    raw.push({ start: seg.index, end: seg.index + seg.segment.length });
  }
  const merged: Span[] = [];
  for (const span of raw) {
    const prev = merged[merged.length - 1];
    const head = text.slice(span.start, span.end);
    if (prev && (ABBREVIATION.test(text.slice(prev.start, prev.end)) || /^[a-z]/.test(head))) {
      prev.end = span.end;
    } else {
      merged.push({ ...span });
    }
  }
  const out: Span[] = [];
  for (const s of merged) {
    let end = s.end;
    while (end > s.start && /\s/.test(text[end - 1]!)) end--;
    let start = s.start;
    while (start < end && /\s/.test(text[start]!)) start++;
    if (end > start) out.push({ start, end });
  }
  return out;
}

const STOP = new Set([
  ...eng,
  'what', 'which', 'who', 'whom', 'whose', 'when', 'where', 'why', 'how', 'does', 'did', 'do',
  'many', 'much', 'according', 'article', 'say', 'said', 'says', 'tell', 'told', 'about',
]);

/** Lower-cased, accent-folded words. */
export function words(text: string): string[] {
  return (
    text
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/[’‘`]/g, "'")
      .match(/\p{N}+(?:[.,]\p{N}+)*|[\p{L}\p{N}]+(?:['.-][\p{L}\p{N}]+)*/gu) ?? []
  ).map((w) => w.replace(/'s$/, '').replace(/[.,']/g, ''));
}

const stems = new Map<string, string[]>();

/** The terms of one word, memoised: news repeats its words, so each distinct word is stemmed once. */
function termsOfWord(w: string): string[] {
  let t = stems.get(w);
  if (t) return t;
  t = [];
  if (!(STOP.has(w) || (w.length < 2 && !/\d/.test(w)))) {
    for (const part of w.split('-')) {
      if (part && !STOP.has(part)) t.push(/\d/.test(part) ? part : stemmer(part));
    }
  }
  if (stems.size >= 500_000) stems.clear();
  stems.set(w, t);
  return t;
}

/** Search terms: content words, stemmed. Numbers are kept (dates and counts are often the answer). */
export function terms(text: string): string[] {
  const out: string[] = [];
  for (const w of words(text)) for (const t of termsOfWord(w)) out.push(t);
  return out;
}

// A sentence opening with one of these leans on the one before ("They signed it in Oslo.").
const LEANS = new Set(['he', 'she', 'they', 'it', 'this', 'these', 'that', 'those', 'his', 'her', 'their', 'its', 'such', 'both', 'the latter', 'the former']);

/** Whether a sentence opens with a pronoun or "this", "these"…, so it speaks of what the one before names. */
export function leansOnPrevious(sentence: string): boolean {
  const first = sentence.replace(/^[“"‘'(]+/, '').split(/\s+/).slice(0, 2).map((w) => w.toLowerCase().replace(/[^\p{L}]/gu, ''));
  return LEANS.has(first[0]!) || LEANS.has(first.join(' '));
}

/** Those of `asked` (terms) that `text` writes capitalised past a sentence's first word: names ("Cairo", "RMT"). */
export function namesWritten(text: string, asked: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const s of sentenceSpans(text)) {
    for (const m of text.slice(s.start + 1, s.end).matchAll(/(?<![\p{L}\p{N}])\p{Lu}[\p{L}\p{N}'’-]*/gu)) for (const t of terms(m[0])) if (asked.has(t)) out.add(t);
  }
  return out;
}
