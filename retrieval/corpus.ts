import { readdir, readFile, realpath, stat } from 'node:fs/promises';
import { isBinaryFileSync } from 'isbinaryfile';
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

/**
 * Supported files under `dir`, recursively. Symbolic links are followed (each folder and file once,
 * so a link loop or a second link to the same place is skipped), and every link skipped is a warning.
 */
async function listFiles(dir: string, warn: (file: string, message: string) => void): Promise<string[]> {
  const out: string[] = [];
  const seenDirs = new Set<string>([await realpath(dir)]);
  const seenFiles = new Map<string, string>();
  const walk = async (folder: string): Promise<void> => {
    const entries = await readdir(folder, { withFileTypes: true });
    // Sorted so that of two paths to one file, the same one is read on every run.
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const path = join(folder, e.name);
      const rel = relative(dir, path);
      const link = e.isSymbolicLink();
      let [isDir, isFile] = [e.isDirectory(), e.isFile()];
      if (link) {
        try {
          const target = await stat(path);
          [isDir, isFile] = [target.isDirectory(), target.isFile()];
        } catch (err) {
          warn(rel, `symbolic link to a missing or unreadable target (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), skipped`);
          continue;
        }
      }
      if (isDir) {
        const real = await realpath(path);
        if (seenDirs.has(real)) {
          warn(rel, 'symbolic link to a folder already read (a loop or a duplicate), skipped');
          continue;
        }
        seenDirs.add(real);
        try {
          await walk(path);
        } catch (err) {
          warn(rel, `folder unreadable (${(err as NodeJS.ErrnoException).code ?? (err as Error).message}), skipped`);
        }
      } else if (isFile && CORPUS_EXTENSIONS.includes(extname(e.name).toLowerCase()) && !e.name.startsWith('.')) {
        const real = await realpath(path);
        const first = seenFiles.get(real);
        if (first !== undefined) {
          warn(rel, `same file as ${first} (a symbolic link), skipped`);
          continue;
        }
        seenFiles.set(real, rel);
        out.push(path);
      }
    }
  };
  await walk(dir);
  return out.sort();
}

// isbinaryfile judges one 512-byte window; a file can open like text and turn binary, so several are sampled.
function looksBinary(buf: Buffer): boolean {
  const W = 512;
  const starts = [0, buf.length / 4, buf.length / 2, (3 * buf.length) / 4, buf.length - W].map((at) => Math.max(0, Math.min(Math.floor(at), buf.length - W)));
  return [...new Set(starts)].some((at) => isBinaryFileSync(buf.subarray(at, at + W)));
}

/**
 * Text from a file's bytes: UTF-16 when a byte-order mark says so, else UTF-8 (with or without its
 * mark), else Windows-1252; null, with a warning, for an empty or binary file (control bytes, not only NUL).
 */
function decode(buf: Buffer, warn: (m: string) => void): string | null {
  if (buf.length === 0) {
    warn('empty file, skipped');
    return null;
  }
  // TextDecoder drops the byte-order mark itself.
  if (buf[0] === 0xff && buf[1] === 0xfe && !(buf[2] === 0 && buf[3] === 0)) return new TextDecoder('utf-16le').decode(buf);
  if (buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf);
  if (looksBinary(buf)) {
    warn('binary file (control bytes, not text), skipped');
    return null;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(buf);
  } catch {
    warn('not valid UTF-8; read as Windows-1252');
    return new TextDecoder('windows-1252').decode(buf);
  }
}

async function draftsOf(ext: string, text: string, stem: string, warn: (m: string) => void): Promise<ArticleDraft[]> {
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
  /** Files larger than this are skipped with a warning. */
  maxFileBytes?: number;
  onProgress?: (filesRead: number, files: number) => void;
}

const mb = (bytes: number) => Math.round((bytes / 1024 / 1024) * 10) / 10;

/** Reads every supported file under `dir`. One bad file never stops the rest: it becomes a warning. */
export async function loadCorpus(dir: string, opts: LoadOptions = {}): Promise<LoadedCorpus> {
  const warnings: Warning[] = [];
  let files: string[];
  try {
    files = await listFiles(dir, (file, message) => warnings.push({ file, message }));
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
      const size = (await stat(path)).size;
      if (opts.maxFileBytes !== undefined && size > opts.maxFileBytes) {
        warn(`${mb(size)} MB, larger than MAX_FILE_MB (${mb(opts.maxFileBytes)} MB), skipped`);
        continue;
      }
      const text = decode(await readFile(path), warn);
      if (text === null) continue;
      const before = articles.length;
      for (const draft of await draftsOf(ext, text, stem, warn)) {
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
