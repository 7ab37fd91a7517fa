import { createHash } from 'node:crypto';
import { normalizeLine } from './text.ts';
import type { Article, Paragraph } from './types.ts';

export type BodyBlock = { heading: string } | { para: string };

export interface ArticleDraft {
  title: string;
  author?: string | null;
  source?: string | null;
  date?: string | null;
  url?: string | null;
  standfirst?: string | null;
  notes?: string[];
  body: BodyBlock[];
  /** Record's own id, when the format has one. */
  id?: string | null;
}

const MONTHS = ['january', 'february', 'march', 'april', 'may', 'june', 'july', 'august', 'september', 'october', 'november', 'december'];
const MONTH = '(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\\.?';
const WEEKDAY = '(?:(?:mon|tues|wednes|thurs|fri|satur|sun)day,?\\s+)?';
const MDY = new RegExp(`^${WEEKDAY}${MONTH}\\s+(\\d{1,2})(?:st|nd|rd|th)?,?\\s+(\\d{4})$`, 'i');
const DMY = new RegExp(`^${WEEKDAY}(\\d{1,2})(?:st|nd|rd|th)?\\s+${MONTH},?\\s+(\\d{4})$`, 'i');

const iso = (y: number, m: number, d: number): string | null => {
  const dt = new Date(Date.UTC(y, m - 1, d));
  if (dt.getUTCFullYear() !== y || dt.getUTCMonth() !== m - 1 || dt.getUTCDate() !== d) return null;
  return dt.toISOString().slice(0, 10);
};
const monthNumber = (name: string) => MONTHS.findIndex((m) => m.startsWith(name.toLowerCase().replace('.', '').slice(0, 3))) + 1;

/** Parses a date written alone ("Friday, May 24, 2024", "24 May 2024", "2024-05-24…") to ISO, else null. */
export function parseDate(input: unknown): string | null {
  if (typeof input !== 'string' && typeof input !== 'number') return null;
  const s = normalizeLine(String(input));
  let m = /^(\d{4})-(\d{2})-(\d{2})(?:[T\s].*)?$/.exec(s);
  if (m) return iso(+m[1]!, +m[2]!, +m[3]!);
  m = MDY.exec(s);
  if (m) return iso(+m[3]!, monthNumber(m[1]!), +m[2]!);
  m = DMY.exec(s);
  if (m) return iso(+m[3]!, monthNumber(m[2]!), +m[1]!);
  return null;
}

export function slug(s: string): string {
  return (
    s
      .normalize('NFKD')
      .replace(/\p{M}/gu, '')
      .toLowerCase()
      .replace(/['’‘]/g, '')
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 60)
      .replace(/-+$/, '') || 'article'
  );
}

const clean = (s: string | null | undefined): string | null => {
  const v = s == null ? '' : normalizeLine(String(s));
  return v === '' ? null : v;
};

/** Builds the stored article: body paragraphs joined by blank lines, with their offsets. */
export function buildArticle(draft: ArticleDraft, file: string, fileStem: string): Article | null {
  const paragraphs: Paragraph[] = [];
  const parts: string[] = [];
  let section: string | null = null;
  let offset = 0;
  for (const block of draft.body) {
    if ('heading' in block) {
      section = clean(block.heading);
      continue;
    }
    const text = clean(block.para);
    if (!text) continue;
    if (parts.length) offset += 2;
    paragraphs.push({ start: offset, end: offset + text.length, section });
    parts.push(text);
    offset += text.length;
  }
  if (!paragraphs.length) return null;
  const text = parts.join('\n\n');
  const title = clean(draft.title) ?? clean(text.slice(0, 80))!;
  return {
    id: clean(draft.id) ?? `${slug(fileStem)}/${slug(title)}`,
    title,
    author: clean(draft.author),
    source: clean(draft.source),
    date: parseDate(draft.date) ?? null,
    url: clean(draft.url),
    standfirst: clean(draft.standfirst),
    text,
    paragraphs,
    notes: (draft.notes ?? []).map((n) => clean(n)).filter((n): n is string => !!n),
    file,
  };
}

/** Content hash: decides whether an article must be re-embedded. */
export function articleHash(a: Article): string {
  return createHash('sha256')
    .update(JSON.stringify([a.title, a.author, a.source, a.date, a.standfirst, a.text, a.paragraphs, a.notes]))
    .digest('hex')
    .slice(0, 32);
}
