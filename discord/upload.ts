import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, extname, join, relative, resolve, sep, isAbsolute } from 'node:path';
import { CORPUS_EXTENSIONS, loadCorpus } from '../retrieval/corpus.ts';
import { UserError } from '../retrieval/errors.ts';
import type { Article, Warning } from '../retrieval/types.ts';

/** Largest file /add-article takes (Discord's own upload limit for most servers is 10 MB). */
export const MAX_UPLOAD_BYTES = 5 * 1024 * 1024;
const DOWNLOAD_TIMEOUT_MS = 30_000;

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

/** The extension of an attachment name if the corpus reads it, else a clear refusal. */
export function uploadExtension(name: string): string {
  const ext = extname(basename(name.replaceAll('\\', '/'))).toLowerCase();
  if (!CORPUS_EXTENSIONS.includes(ext)) throw new UserError(`\`${name.slice(0, 80)}\` is not a file the corpus reads: send a ${CORPUS_EXTENSIONS.join(', ')} file.`);
  return ext;
}

/**
 * A name of our own making for an uploaded file: date, a slug of the attachment's last path part
 * (letters and digits only, so `../`, slashes, dots and control characters never reach the path) and
 * a random tag; the path is checked to sit directly inside `corpusDir`.
 */
export function safeUploadPath(corpusDir: string, attachmentName: string, now = new Date()): string {
  const ext = uploadExtension(attachmentName);
  const stem = basename(attachmentName.replaceAll('\\', '/'), extname(attachmentName))
    .normalize('NFKD')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 40) || 'article';
  const name = `discord-${now.toISOString().slice(0, 10)}-${stem}-${randomBytes(3).toString('hex')}${ext}`;
  const path = resolve(corpusDir, name);
  const rel = relative(resolve(corpusDir), path);
  if (!rel || rel.startsWith('..') || isAbsolute(rel) || rel.includes(sep)) throw new Error(`generated upload path escapes the corpus folder: ${path}`);
  return path;
}

/** The attachment's bytes, refused past `max` whatever its declared size said (the body is read in pieces and cut off). */
export async function download(url: string, max = MAX_UPLOAD_BYTES): Promise<Buffer> {
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(DOWNLOAD_TIMEOUT_MS) });
  } catch (e) {
    throw new UserError(`Could not download the attachment (${(e as Error).message}); please try again.`);
  }
  if (!res.ok || !res.body) throw new UserError(`Could not download the attachment (HTTP ${res.status}); please try again.`);
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of res.body) {
    size += chunk.byteLength;
    if (size > max) {
      await res.body.cancel().catch(() => {});
      throw new UserError(`That file is larger than ${mb(max)}, the most /add-article takes. Put it in the corpus folder on the server and run /reindex instead.`);
    }
    parts.push(Buffer.from(chunk));
  }
  return Buffer.concat(parts);
}

/**
 * Reads uploaded bytes exactly as a corpus file on disk would be read (same decoding, binary and empty
 * checks, parsers), in a scratch folder; throws a UserError naming the problem when no article comes out.
 */
export async function parseUpload(bytes: Buffer, ext: string): Promise<{ articles: Article[]; warnings: Warning[] }> {
  const dir = await mkdtemp(join(tmpdir(), 'upload-'));
  try {
    await writeFile(join(dir, `upload${ext}`), bytes);
    const { articles, warnings } = await loadCorpus(dir, { maxFileBytes: MAX_UPLOAD_BYTES });
    if (!articles.length) {
      const why = warnings.map((w) => w.message).join('; ') || 'no article found';
      throw new UserError(`Nothing was added: the file could not be read as an article (${why}).`);
    }
    return { articles, warnings };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
