/** A body paragraph: `text.slice(start, end)` of its article. */
export interface Paragraph {
  start: number;
  end: number;
  /** Subheading the paragraph falls under, or null before the first one. */
  section: string | null;
}

export interface Article {
  /** Stable id: file stem + title slug (or the record's own id). */
  id: string;
  title: string;
  author: string | null;
  source: string | null;
  /** ISO date (YYYY-MM-DD) or null. */
  date: string | null;
  url: string | null;
  standfirst: string | null;
  /** Normalised body: paragraphs joined by blank lines. Quotes are substrings of this. */
  text: string;
  paragraphs: Paragraph[];
  /** Author bio, photo captions: kept for reference, never quoted as body. */
  notes: string[];
  /** Corpus file it came from, relative to the corpus folder. */
  file: string;
}

export interface ArticleMeta {
  id: string;
  title: string;
  author: string | null;
  source: string | null;
  date: string | null;
}

export interface Chunk {
  id: string;
  articleId: string;
  /** 0-based paragraph index of the chunk's first character; -1 for a bio chunk. */
  paragraph: number;
  section: string | null;
  start: number;
  end: number;
  /** Set for a chunk outside the body: offsets are into `notes[note]` (a bio or a photo caption), the standfirst when `note` is `notes.length`, or the byline (`author`) when -1. */
  note?: number;
}

/** The text a chunk's offsets index into: the body, the byline, the note it was cut from, or the standfirst (just past the notes). */
export function sourceText(article: Article, chunk: { note?: number }): string {
  if (chunk.note === undefined) return article.text;
  if (chunk.note < 0) return article.author ?? '';
  return chunk.note < article.notes.length ? article.notes[chunk.note]! : (article.standfirst ?? '');
}

export interface Filters {
  author?: string;
  source?: string;
  /** Inclusive ISO dates. */
  since?: string;
  until?: string;
  /** Only these articles (by id): a follow-up searches the articles of the answer it follows. */
  articles?: string[];
}

export type PassageKind = 'body' | 'author' | 'standfirst' | 'caption' | 'source';

/** How a quote from outside the body is cited. */
export const PART_LABELS: Record<Exclude<PassageKind, 'body'>, string> = { author: 'About the author', standfirst: 'Standfirst', caption: 'Photo caption', source: 'Source' };

export interface Passage {
  quote: string;
  score: number;
  /** 1-based paragraph number within the article body; 0 for a quote from outside the body (bio, byline, standfirst, caption). */
  paragraph: number;
  section: string | null;
  start: number;
  end: number;
  /**
   * `body`: a quote from the article; `author`: the writer's bio (offsets into it) or, with section 'Byline', the author field
   * itself; `standfirst`: the summary line under the headline; `caption`: a photo caption with its credit (offsets into them);
   * `source`: the publication the piece is credited to, the source field itself.
   */
  kind: PassageKind;
  /** Offsets into `quote` of the words that carry the kind of answer asked for (a date, a name, a number). */
  answer: { start: number; end: number } | null;
  article: ArticleMeta;
}

export interface Answer {
  question: string;
  answered: boolean;
  /** Best first. */
  passages: Passage[];
  /** When not answered: the closest passages, offered as related reading, never as the answer. */
  related: Passage[];
  /** When not answered because the passages on the topic lack the kind of fact asked for: that kind. */
  missing?: MissingFact | null;
}

/** Kinds of fact whose absence from the best passages the bot reports ("the corpus covers this, but gives no count"). */
export type MissingFact = 'number' | 'date' | 'age' | 'duration' | 'statement' | 'person' | 'definition' | 'outcome' | 'confirmation';

/** "…the passages on this topic give no <label>." */
export const MISSING_LABELS: Record<MissingFact, string> = {
  number: 'count or amount',
  date: 'date',
  age: 'age',
  duration: 'length of time',
  statement: 'words from the one asked about',
  person: 'name for that role',
  definition: 'spelling-out of those initials',
  outcome: 'outcome (they tell of it as planned or under way, not how it turned out)',
  confirmation: 'word on whether that happened',
};

export interface Warning {
  file: string;
  message: string;
}

export function metaOf(a: Article): ArticleMeta {
  return { id: a.id, title: a.title, author: a.author, source: a.source, date: a.date };
}

/** "Title — Author, Source, 2024-05-24" with only the parts that are known; a source that is also the author is named once. */
export function citation(a: ArticleMeta, separator = ', '): string {
  const by = [a.author, a.source && a.source !== a.author ? a.source : null, a.date].filter(Boolean).join(separator);
  return by ? `${a.title} — ${by}` : a.title;
}
