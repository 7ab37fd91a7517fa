import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { AnswerType, EntitySpan } from './entities.ts';
import { PROJECT_ROOT } from './settings.ts';
import { sentenceSpans } from './text.ts';
import type { Article } from './types.ts';
import { yielder } from './yielder.ts';

/**
 * The entity spans of every corpus sentence (retrieval/entities.ts), computed at ingest and saved
 * with the index, so answering a question tags no corpus sentence with compromise: tagging the
 * sentences of the best chunks was about half a second of a warm CLI `ask`. Spans depend on the
 * sentence's text alone, so a table is keyed by a hash of the text and is valid for any index; it
 * is only used when made by the same tagger (entities.ts as it is now, the same compromise).
 */
export interface SentenceTags {
  /** Fingerprint of the tagger that made the spans (taggerId()). */
  tagger: string;
  /** Spans by sentenceKey(text). */
  spans: Map<string, EntitySpan[]>;
}

/** A malformed tag file; the store reports it as a damaged index file. */
export class TagFileError extends Error {}

let tagger: string | null = null;

/**
 * entities.ts's source and the versions of compromise and its dates plugin: any edit to the tagging
 * or an upgrade makes saved tags unusable (tagged afresh) instead of silently different.
 */
export function taggerId(): string {
  if (tagger) return tagger;
  const require = createRequire(import.meta.url);
  // Neither package exports its package.json: the folder above its entry point that holds it.
  const version = (pkg: string) => {
    for (let dir = dirname(require.resolve(pkg)); dir !== dirname(dir); dir = dirname(dir)) {
      const meta = (() => {
        try {
          return JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string; version?: string };
        } catch {
          return null;
        }
      })();
      if (meta?.name === pkg) return meta.version;
    }
    throw new Error(`Cannot find the version of ${pkg}`);
  };
  const h = createHash('sha256').update(readFileSync(join(PROJECT_ROOT, 'retrieval', 'entities.ts')));
  h.update(`\0compromise@${version('compromise')}\0compromise-dates@${version('compromise-dates')}`);
  return (tagger = h.digest('hex').slice(0, 32));
}

export const sentenceKey = (text: string): string => createHash('sha1').update(text).digest('base64');

/**
 * Longer "sentences" (a paragraph without sentence breaks, up to 8 KB) are not tagged at ingest:
 * compromise takes seconds over such text, and only the few that reach an answer's candidates are
 * ever asked about, so those are still tagged at question time. News sentences are far shorter.
 */
export const MAX_TAGGED_CHARS = 1000;

let active: SentenceTags | null = null;

/** The table entitySpans consults before tagging; null (or another tagger's table) means tag everything. */
export function useSentenceTags(tags: SentenceTags | null): void {
  active = tags && tags.tagger === taggerId() ? tags : null;
}

/** Saved spans of a sentence, when the active table has them. */
export function storedSpans(text: string): EntitySpan[] | undefined {
  return active?.spans.get(sentenceKey(text));
}

/** Every text entitySpans is asked about at question time: each sentence of each paragraph, of the byline, of each note (bio, caption) and of the standfirst. */
export function corpusSentences(article: Article): string[] {
  const out: string[] = [];
  const add = (source: string) => {
    for (const s of sentenceSpans(source)) out.push(source.slice(s.start, s.end));
  };
  for (const p of article.paragraphs) add(article.text.slice(p.start, p.end));
  if (article.author) add(article.author);
  for (const note of article.notes) add(note);
  if (article.standfirst) add(article.standfirst);
  return out;
}

/**
 * New sentences one ingest tags at most. Tagging costs about 10–20 ms a sentence here, as much as
 * embedding the chunk again: a seed-sized corpus is tagged whole in seconds, but an archive of
 * thousands of articles would add many minutes to every first ingest for a saving of well under a
 * second per CLI start. Sentences past the budget are tagged when first quoted, as without a table.
 */
export const TAG_BUDGET = 5_000;

/**
 * Tags the sentences of `articles`, reusing the spans of `previous` (the last index's table) for
 * every sentence it holds when the tagger is the same: an incremental ingest tags only new text,
 * at most `budget` sentences.
 */
export async function tagCorpus(articles: Article[], previous: SentenceTags | null, opts: { signal?: AbortSignal; onProgress?: (done: number, total: number) => void; budget?: number } = {}): Promise<SentenceTags> {
  const { entitySpans } = await import('./entities.ts');
  const id = taggerId();
  const reuse = previous?.tagger === id ? previous.spans : null;
  const spans = new Map<string, EntitySpan[]>();
  const pause = yielder(opts.signal);
  let budget = opts.budget ?? TAG_BUDGET;
  for (const [i, article] of articles.entries()) {
    for (const text of corpusSentences(article)) {
      if (text.length > MAX_TAGGED_CHARS) continue;
      const key = sentenceKey(text);
      if (spans.has(key)) continue;
      const kept = reuse?.get(key);
      if (kept) spans.set(key, kept);
      else if (budget > 0) {
        budget--;
        spans.set(key, entitySpans(text));
        await pause();
      }
    }
    opts.onProgress?.(i + 1, articles.length);
  }
  return { tagger: id, spans };
}

interface TagFile {
  tagger: string;
  types: AnswerType[];
  /** Sentence keys, and for each the flat [type index, start, end, …] of its spans. */
  keys: string[];
  spans: number[][];
}

export function encodeTags(tags: SentenceTags): string {
  const types: AnswerType[] = [];
  const typeIndex = (t: AnswerType) => (types.includes(t) ? types.indexOf(t) : types.push(t) - 1);
  const keys: string[] = [];
  const spans: number[][] = [];
  for (const [key, list] of tags.spans) {
    keys.push(key);
    spans.push(list.flatMap((e) => [typeIndex(e.type), e.start, e.end]));
  }
  return JSON.stringify({ tagger: tags.tagger, types, keys, spans } satisfies TagFile);
}

/** Reads a tag file; throws TagFileError when it is not one. */
export function decodeTags(raw: string): SentenceTags {
  let f: TagFile;
  try {
    f = JSON.parse(raw) as TagFile;
  } catch (e) {
    throw new TagFileError(`not JSON (${(e as Error).message})`);
  }
  if (typeof f?.tagger !== 'string' || !Array.isArray(f.types) || !Array.isArray(f.keys) || !Array.isArray(f.spans) || f.keys.length !== f.spans.length) {
    throw new TagFileError('not a sentence tag table');
  }
  const spans = new Map<string, EntitySpan[]>();
  for (const [i, key] of f.keys.entries()) {
    const flat = f.spans[i]!;
    if (typeof key !== 'string' || !Array.isArray(flat) || flat.length % 3) throw new TagFileError(`entry ${i} is malformed`);
    const list: EntitySpan[] = [];
    for (let j = 0; j < flat.length; j += 3) {
      const [t, start, end] = [flat[j]!, flat[j + 1]!, flat[j + 2]!];
      const type = f.types[t];
      if (typeof type !== 'string' || !Number.isInteger(start) || !Number.isInteger(end) || start < 0 || end <= start) throw new TagFileError(`entry ${i} is malformed`);
      list.push({ type, start, end });
    }
    spans.set(key, list);
  }
  return { tagger: f.tagger, spans };
}
