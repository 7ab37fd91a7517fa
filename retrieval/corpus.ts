import { readdir, readFile } from 'node:fs/promises';
import { basename, extname, join, relative } from 'node:path';
import { buildArticle, type ArticleDraft } from './article.ts';
import { parseDigest } from './parse-digest.ts';
import { parseHtml, parseMarkdown, recordToDraft } from './parse-formats.ts';
import type { Article, Warning } from './types.ts';
import { yielder } from './yielder.ts';

export const CORPUS_EXTENSIONS = ['.txt', '.md', '.markdown', '.html', '.htm', '.json', '.jsonl'];

export interface LoadedCorpus {
  articles: Article[];
  warnings: Warning[];
  files: number;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && CORPUS_EXTENSIONS.includes(extname(e.name).toLowerCase()) && !e.name.startsWith('.'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}

/** Decodes UTF-8; a file with NUL bytes is binary; other non-UTF-8 text is read as Windows-1252. */
function decode(buf: Buffer, warn: (m: string) => void): string | null {
  if (buf.length === 0) {
    warn('empty file, skipped');
    return null;
  }
  if (buf.subarray(0, 8192).includes(0)) {
    warn('binary file (NUL bytes), skipped');
    return null;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    warn('not valid UTF-8; read as Windows-1252');
    return new TextDecoder('windows-1252').decode(buf);
  }
}

function draftsOf(ext: string, text: string, stem: string, warn: (m: string) => void): ArticleDraft[] {
  switch (ext) {
    case '.md':
    case '.markdown':
      return parseMarkdown(text, stem);
    case '.html':
    case '.htm':
      return parseHtml(text, stem);
    case '.json': {
      const data: unknown = JSON.parse(text);
      const records = Array.isArray(data) ? data : Array.isArray((data as { articles?: unknown })?.articles) ? (data as { articles: unknown[] }).articles : [data];
      return records.flatMap((r, i) => {
        try {
          return [recordToDraft(r)];
        } catch (e) {
          warn(`record ${i + 1}: ${(e as Error).message}, skipped`);
          return [];
        }
      });
    }
    case '.jsonl':
      return text.split('\n').flatMap((line, i) => {
        if (!line.trim()) return [];
        try {
          return [recordToDraft(JSON.parse(line))];
        } catch (e) {
          warn(`line ${i + 1}: ${(e as Error).message}, skipped`);
          return [];
        }
      });
    default:
      return parseDigest(text, stem);
  }
}

export interface LoadOptions {
  signal?: AbortSignal;
  onProgress?: (filesRead: number, files: number) => void;
}

/** Reads every supported file under `dir`. One bad file never stops the rest: it becomes a warning. */
export async function loadCorpus(dir: string, opts: LoadOptions = {}): Promise<LoadedCorpus> {
  const warnings: Warning[] = [];
  let files: string[];
  try {
    files = await listFiles(dir);
  } catch (e) {
    throw new Error(`Cannot read corpus folder ${dir}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  const articles: Article[] = [];
  const seen = new Map<string, number>();
  const pause = yielder(opts.signal);
  let read = 0;
  for (const path of files) {
    opts.onProgress?.(read++, files.length);
    await pause();
    const file = relative(dir, path) || basename(path);
    const warn = (message: string) => warnings.push({ file, message });
    const ext = extname(path).toLowerCase();
    const stem = basename(path, extname(path));
    try {
      const text = decode(await readFile(path), warn);
      if (text === null) continue;
      const before = articles.length;
      for (const draft of draftsOf(ext, text, stem, warn)) {
        const article = buildArticle(draft, file, stem);
        if (!article) {
          warn(`"${draft.title}" has no body text, skipped`);
          continue;
        }
        const n = (seen.get(article.id) ?? 0) + 1;
        seen.set(article.id, n);
        if (n > 1) article.id = `${article.id}-${n}`;
        articles.push(article);
      }
      if (articles.length === before && !warnings.some((w) => w.file === file)) warn('no article found, skipped');
    } catch (e) {
      warn(`unreadable (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}), skipped`);
    }
  }
  opts.onProgress?.(read, files.length);
  return { articles, warnings, files: files.length };
}
