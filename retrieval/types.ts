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
  /** Set for a chunk of an author bio: offsets are into `notes[note]`, not the body (-1: the byline, `author`). */
  note?: number;
}

/** The text a chunk's offsets index into: the body, or the author bio it was cut from. */
export function sourceText(article: Article, chunk: { note?: number }): string {
  if (chunk.note === undefined) return article.text;
  return chunk.note < 0 ? (article.author ?? '') : article.notes[chunk.note]!;
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

export interface Passage {
  quote: string;
  score: number;
  /** 1-based paragraph number within the article body; 0 for a quote from the author's bio. */
  paragraph: number;
  section: string | null;
  start: number;
  end: number;
  /** `body`: a quote from the article; `author`: the writer's bio (offsets into it) or, with section 'Byline', the author field itself. */
  kind: 'body' | 'author';
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
}

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
