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
  /** 0-based paragraph index of the chunk's first character. */
  paragraph: number;
  section: string | null;
  start: number;
  end: number;
}

export interface Filters {
  author?: string;
  source?: string;
  /** Inclusive ISO dates. */
  since?: string;
  until?: string;
}

export interface Passage {
  quote: string;
  score: number;
  /** 1-based paragraph number within the article body. */
  paragraph: number;
  section: string | null;
  start: number;
  end: number;
  article: ArticleMeta;
}

export interface Answer {
  question: string;
  answered: boolean;
  /** Best first. */
  passages: Passage[];
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
