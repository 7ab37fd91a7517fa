import { createHash, randomBytes } from 'node:crypto';
import { mkdir, open, readdir, readFile, rename, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { IndexData, IndexItem } from 'vectra';
import { Float32Codec } from './float32-codec.ts';
import type { Bm25Data } from '../../bm25.ts';
import { UserError } from '../../errors.ts';
import { decodeTags, encodeTags, TagFileError, type SentenceTags } from '../../sentence-tags.ts';
import { decodeSentenceVectors, encodeSentenceVectors, SentenceVectorFileError, type SentenceVectors } from '../../sentence-vectors.ts';
import type { Article, Chunk } from '../../types.ts';

/**
 * The index on disk. Each build is written to a fresh generation folder (a vectra LocalIndex in
 * the Float32Codec format, the BM25 index, articles and manifest), and only then does the CURRENT pointer move to it
 * by an atomic rename. A crash at any moment leaves CURRENT naming a complete generation.
 * One writer at a time (a lock folder shared by every process); the previous generation is kept
 * for readers that opened it just before the switch; every file's SHA-256 is in the manifest, and
 * the manifest's is in CURRENT, so damage is found on load instead of changing answers.
 */

// 2: vectors in the Float32Codec format and a saved keyword index.
// 3: author bios are indexed as chunks of their own.
// 4: checksums in the manifest and CURRENT; CURRENT records the corpus folder.
// 5: chunks of standfirsts and captions (`note` may be the notes' length); an older bot cannot read them.
export const STORE_VERSION = 5;

export interface Manifest {
  version: number;
  model: { id: string; dim: number };
  chunkCount: number;
  /** Content hash of each article, for incremental re-ingest. */
  hashes: Record<string, string>;
  builtAt: string;
  /** Absolute path of the corpus folder the index was built from: repairs rebuild from it. */
  corpusDir?: string;
  /** SHA-256 (hex) of each file of the generation, by path inside it; written by saveIndex. */
  files?: Record<string, string>;
}

export interface StoredIndex {
  manifest: Manifest;
  articles: Article[];
  chunks: Chunk[];
  /** Row i is chunk i's unit vector. */
  vectors: Float32Array;
  /** The keyword index over the chunks, saved so a load does not rebuild it. */
  bm25?: Bm25Data | null;
  /** Entity spans of the corpus sentences (sentence-tags.ts), saved so a question tags none of them. */
  tags?: SentenceTags | null;
  /** Embeddings of the corpus sentences (sentence-vectors.ts), saved so a question embeds only itself. */
  sentences?: SentenceVectors | null;
}

/** What CURRENT holds: the generation, its manifest's checksum and the corpus it was built from. */
export interface Pointer {
  generation: string;
  manifest: string | null;
  corpusDir: string | null;
}

// note: index of the note (bio, caption) or, at the notes' length, the standfirst a chunk was cut from (see sourceText); -1 for body text.
type ChunkMeta = { articleId: string; paragraph: number; start: number; end: number; section: string; author: string; source: string; date: number; note: number };

export const REPAIR_COMMAND = 'npm run cli -- ingest --rebuild';

export class IndexCorruptError extends Error {
  constructor(
    message: string,
    /** The corpus folder the damaged index was built from, when CURRENT still says. */
    readonly corpusDir: string | null = null,
    /** The format of an index written by another version of the bot. */
    readonly formatVersion: number | null = null,
  ) {
    super(message);
  }
}

/** Another process (or this one) is writing the index. */
export class IndexBusyError extends UserError {}

const CURRENT = 'CURRENT';
const TAGS = 'tags.json';
const SENTENCES = 'sentences.json';
const SENTENCE_ROWS = 'sentences.bin';
const PENDING = 'PENDING';
const LOCK = 'write.lock';
const VECTORS = join('vectors', `index${new Float32Codec().extension}`);
const INDEXED: (keyof ChunkMeta)[] = ['articleId', 'paragraph', 'start', 'end', 'section', 'author', 'source', 'date'];
// A lock whose holder stopped refreshing it (killed, or its event loop blocked) this long is taken over.
const LOCK_STALE_MS = 30_000;

const sha256 = (data: string | Uint8Array) => createHash('sha256').update(data).digest('hex');

async function writeDurable(path: string, data: string | Uint8Array): Promise<void> {
  const fh = await open(path, 'w');
  try {
    await fh.writeFile(data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

async function syncDir(path: string): Promise<void> {
  const fh = await open(path, 'r');
  try {
    await fh.sync();
  } catch {
    // Some filesystems refuse fsync on directories; the rename is still atomic there.
  } finally {
    await fh.close();
  }
}

const dateNumber = (d: string | null) => (d ? Number(d.replaceAll('-', '')) : 0);

/** Creates the index folder, or says which setting points at something that is not a folder. */
async function ensureIndexDir(dir: string): Promise<void> {
  try {
    await mkdir(dir, { recursive: true });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST' || code === 'ENOTDIR') throw new UserError(`INDEX_DIR (${dir}) must be a folder, but it or a parent of it is a file.`);
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') throw new UserError(`INDEX_DIR (${dir}) cannot be written (${code}); choose a writable folder.`);
    throw e;
  }
}

export async function readPointer(dir: string): Promise<Pointer | null> {
  let raw: string;
  try {
    raw = (await readFile(join(dir, CURRENT), 'utf8')).trim();
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return null;
    if (code === 'ENOTDIR') throw new UserError(`INDEX_DIR (${dir}) must be a folder, but it or a parent of it is a file.`);
    throw e;
  }
  if (!raw) return null;
  // Before format 4, CURRENT held only the generation's name.
  if (!raw.startsWith('{')) return { generation: raw, manifest: null, corpusDir: null };
  try {
    const p = JSON.parse(raw) as Partial<Pointer>;
    if (typeof p.generation !== 'string' || !/^gen-[\w-]+$/.test(p.generation)) throw new Error('no generation');
    return { generation: p.generation, manifest: typeof p.manifest === 'string' ? p.manifest : null, corpusDir: typeof p.corpusDir === 'string' ? p.corpusDir : null };
  } catch {
    throw new IndexCorruptError(`Index at ${dir} is damaged: ${join(dir, CURRENT)} is unreadable. Repair it with: ${REPAIR_COMMAND} <corpus folder>`);
  }
}

export async function currentGeneration(dir: string): Promise<string | null> {
  return (await readPointer(dir))?.generation ?? null;
}

export interface IndexLock {
  /** Throws when the lock was lost (its holder stalled past the stale time): committing then could race another writer. */
  check(): void;
  release(): Promise<void>;
}

/**
 * Takes the index's write lock (proper-lockfile: a lock folder refreshed while held, taken over when
 * stale, so a killed writer never blocks the index for good). Waits up to `waitMs` for another writer.
 */
export async function lockIndex(dir: string, waitMs = 0): Promise<IndexLock> {
  await ensureIndexDir(dir);
  let lost: Error | null = null;
  let release: () => Promise<void>;
  try {
    // Loaded by writers only: readers never lock.
    const { default: lockfile } = await import('proper-lockfile');
    release = await lockfile.lock(dir, {
      lockfilePath: join(dir, LOCK),
      stale: LOCK_STALE_MS,
      // Short, jittered waits: a save takes milliseconds to a few seconds, and the retry count only caps the table `retry` precomputes.
      retries: waitMs > 0 ? { retries: Math.ceil(waitMs / 5), minTimeout: 2, maxTimeout: 50, factor: 1.3, randomize: true, maxRetryTime: waitMs } : 0,
      onCompromised: (e) => {
        lost = e;
      },
    });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ELOCKED') throw e;
    throw new IndexBusyError(`Another ingest is writing the index in ${dir}; try again when it has finished. (A lock left by a killed process expires after ${LOCK_STALE_MS / 1000} s.)`);
  }
  return {
    check() {
      if (lost) throw new Error(`Lost the write lock on ${dir} (${(lost as Error).message}); the index was not changed.`);
    },
    release: async () => {
      if (!lost) await release();
    },
  };
}

/** Writes a new generation and makes it current. Takes the write lock (waiting up to 30 s) unless `lock` is given. */
export async function saveIndex(dir: string, data: StoredIndex, lock?: IndexLock): Promise<void> {
  const dim = data.manifest.model.dim;
  for (let i = 0; i < data.vectors.length; i++) {
    // A NaN row scores NaN against every question, which silently turns every answer into a refusal.
    if (!Number.isFinite(data.vectors[i]!)) throw new Error(`The vector of chunk ${data.chunks[Math.floor(i / dim)]?.id} holds ${data.vectors[i]}; the index was not written.`);
  }
  const own = lock ? null : await lockIndex(dir, 30_000);
  try {
    await writeGeneration(dir, data, (lock ?? own)!);
  } finally {
    await own?.release();
  }
}

async function writeGeneration(dir: string, data: StoredIndex, lock: IndexLock): Promise<void> {
  const previous = await readPointer(dir).catch(() => null);
  const gen = `gen-${Date.now()}-${process.pid}-${randomBytes(4).toString('hex')}`;
  const genDir = join(dir, gen);
  await mkdir(join(genDir, 'vectors'), { recursive: true });
  const files: Record<string, string> = {};
  const put = async (name: string, bytes: string | Uint8Array) => {
    await writeDurable(join(genDir, name), bytes);
    files[name.split('\\').join('/')] = sha256(bytes);
  };
  await put('articles.json', JSON.stringify(data.articles));

  const byId = new Map(data.articles.map((a) => [a.id, a]));
  const dim = data.manifest.model.dim;
  // vectra's own codec and file layout, written in one pass: LocalIndex's insert checks ids
  // linearly per item, which is quadratic on a fresh bulk build.
  const items: IndexItem<ChunkMeta>[] = data.chunks.map((c, i) => {
    const a = byId.get(c.articleId)!;
    // The codec copies views straight into its float32 block; no per-number arrays.
    const vector = data.vectors.subarray(i * dim, (i + 1) * dim);
    let norm = 0;
    for (const x of vector) norm += x * x;
    return {
      id: c.id,
      vector: vector as unknown as number[],
      norm: Math.sqrt(norm),
      metadata: { articleId: c.articleId, paragraph: c.paragraph, start: c.start, end: c.end, section: c.section ?? '', author: a.author ?? '', source: a.source ?? '', date: dateNumber(a.date), note: c.note ?? -1 },
    };
  });
  await put(VECTORS, new Float32Codec().serializeIndex({ version: 1, metadata_config: { indexed: INDEXED }, items } as IndexData));
  if (data.bm25) {
    const b = data.bm25;
    const arrays = [b.offsets, b.docs, b.lengths, b.tfs];
    await put('bm25.json', JSON.stringify({ vocabulary: b.vocabulary, sizes: arrays.map((a) => a.length) }));
    await put('bm25.bin', Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
  }
  if (data.tags) await put(TAGS, encodeTags(data.tags));
  if (data.sentences) {
    const { meta, bin } = encodeSentenceVectors(data.sentences);
    await put(SENTENCES, meta);
    await put(SENTENCE_ROWS, bin);
  }
  const manifest = JSON.stringify({ ...data.manifest, version: STORE_VERSION, files });
  await writeDurable(join(genDir, 'manifest.json'), manifest);
  await syncDir(join(genDir, 'vectors'));
  await syncDir(genDir);

  lock.check();
  const pointer: Pointer = { generation: gen, manifest: sha256(manifest), corpusDir: data.manifest.corpusDir ?? null };
  const tmp = join(dir, `${CURRENT}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`);
  await writeDurable(tmp, JSON.stringify(pointer));
  await rename(tmp, join(dir, CURRENT));
  await syncDir(dir);
  await removeStale(dir, new Set([gen, previous?.generation ?? '']));
}

/**
 * Under the write lock: removes generations older than the previous one (a reader that opened the
 * previous one just before the switch can finish), half-written ones and stray temp files of killed writers.
 */
async function removeStale(dir: string, keep: Set<string>): Promise<void> {
  for (const name of await readdir(dir)) {
    if ((name.startsWith('gen-') && !keep.has(name)) || name.startsWith(`${CURRENT}.tmp`)) await rm(join(dir, name), { recursive: true, force: true });
  }
}

const vanished = (e: unknown) => (e as NodeJS.ErrnoException).code === 'ENOENT';

/**
 * Loads the current generation; null when there is none. Throws IndexCorruptError when it is damaged.
 * A generation deleted under a slow reader (it had become older than the previous one) is not
 * damage: the reader reads CURRENT again.
 */
export async function loadIndex(dir: string): Promise<StoredIndex | null> {
  for (let attempt = 0; ; attempt++) {
    const pointer = await readPointer(dir);
    if (!pointer) return null;
    try {
      return await loadGeneration(dir, pointer);
    } catch (e) {
      if (attempt < 3 && vanished(e) && (await currentGeneration(dir).catch(() => null)) !== pointer.generation) continue;
      if (e instanceof IndexCorruptError) throw e;
      const missing = vanished(e) ? `${(e as NodeJS.ErrnoException).path} is missing` : (e as Error).message;
      throw new IndexCorruptError(`Index at ${join(dir, pointer.generation)} is unreadable (${missing}). Repair it with: ${repairCommand(pointer.corpusDir)}`, pointer.corpusDir);
    }
  }
}

export function repairCommand(corpusDir: string | null): string {
  return corpusDir ? `${REPAIR_COMMAND} "${corpusDir}"` : `${REPAIR_COMMAND} <corpus folder>`;
}

async function loadGeneration(dir: string, pointer: Pointer): Promise<StoredIndex> {
  const genDir = join(dir, pointer.generation);
  const damaged = (file: string, why: string) =>
    new IndexCorruptError(`Index file ${join(genDir, file)} is damaged (${why}). Repair it with: ${repairCommand(pointer.corpusDir)}`, pointer.corpusDir);
  const manifestBytes = await readFile(join(genDir, 'manifest.json'));
  if (pointer.manifest && sha256(manifestBytes) !== pointer.manifest) throw damaged('manifest.json', 'its SHA-256 does not match CURRENT');
  const manifest = JSON.parse(manifestBytes.toString('utf8')) as Manifest;
  if (manifest.version !== STORE_VERSION) {
    throw new IndexCorruptError(`Index at ${genDir} was written by another version of the bot (format ${manifest.version}; this one reads ${STORE_VERSION}).`, pointer.corpusDir, Number(manifest.version) || 0);
  }
  const files = manifest.files ?? {};
  const read = async (name: string): Promise<Buffer> => {
    const bytes = await readFile(join(genDir, name));
    if (files[name] !== sha256(bytes)) throw damaged(name, 'its SHA-256 does not match the manifest');
    return bytes;
  };
  const articles = JSON.parse((await read('articles.json')).toString('utf8')) as Article[];
  // vectra's codec interface, fed the bytes just verified (LocalIndex would read the file a second time).
  const items = new Float32Codec().deserializeIndex(await read(VECTORS)).items as unknown as IndexItem<ChunkMeta>[];
  const dim = manifest.model.dim;
  if (items.length !== manifest.chunkCount) throw damaged(VECTORS, `${items.length} vectors, manifest says ${manifest.chunkCount}`);
  const vectors = new Float32Array(items.length * dim);
  const chunks: Chunk[] = items.map((it, i) => {
    if (it.vector.length !== dim) throw damaged(VECTORS, `vector ${it.id} has ${it.vector.length} dimensions, expected ${dim}`);
    vectors.set(it.vector, i * dim);
    const m = it.metadata;
    const chunk: Chunk = { id: it.id, articleId: m.articleId, paragraph: m.paragraph, start: m.start, end: m.end, section: m.section || null };
    if (typeof m.note === 'number' && m.note >= 0) chunk.note = m.note;
    return chunk;
  });
  for (let i = 0; i < vectors.length; i++) {
    if (!Number.isFinite(vectors[i]!)) throw damaged(VECTORS, `the vector of chunk ${chunks[Math.floor(i / dim)]!.id} holds ${vectors[i]}`);
  }
  let bm25: Bm25Data | null = null;
  if ('bm25.json' in files) {
    const meta = JSON.parse((await read('bm25.json')).toString('utf8')) as { vocabulary: string[]; sizes: number[] };
    const bin = await read('bm25.bin');
    const [nOff, nDocs, nLen, nTfs] = meta.sizes as [number, number, number, number];
    if (bin.byteLength !== 4 * (nOff + nDocs + nLen) + 2 * nTfs || nOff !== meta.vocabulary.length + 1 || nDocs !== nTfs || nLen !== chunks.length) throw damaged('bm25.bin', 'its sizes do not match bm25.json');
    // Copy out of the file buffer so each array is aligned and owns its memory.
    const u32 = new Uint32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 4 * (nOff + nDocs + nLen)));
    const tfs = new Uint16Array(bin.buffer.slice(bin.byteOffset + 4 * (nOff + nDocs + nLen), bin.byteOffset + bin.byteLength));
    bm25 = { vocabulary: meta.vocabulary, offsets: u32.subarray(0, nOff), docs: u32.subarray(nOff, nOff + nDocs), lengths: u32.subarray(nOff + nDocs), tfs };
  }
  let tags: SentenceTags | null = null;
  if (TAGS in files) {
    try {
      tags = decodeTags((await read(TAGS)).toString('utf8'));
    } catch (e) {
      if (e instanceof TagFileError) throw damaged(TAGS, e.message);
      throw e;
    }
  }
  let sentences: SentenceVectors | null = null;
  if (SENTENCES in files) {
    const [meta, bin] = await Promise.all([read(SENTENCES), read(SENTENCE_ROWS)]);
    try {
      sentences = decodeSentenceVectors(meta.toString('utf8'), bin, dim);
    } catch (e) {
      if (e instanceof SentenceVectorFileError) throw damaged(e.meta ? SENTENCES : SENTENCE_ROWS, e.message);
      throw e;
    }
  }
  return { manifest, articles, chunks, vectors, bm25, tags, sentences };
}

/** Records, under the write lock, the corpus folder of a first ingest until its generation is saved. */
export async function writePending(dir: string, corpusDir: string): Promise<void> {
  await writeDurable(join(dir, PENDING), JSON.stringify({ corpusDir }));
}

export async function clearPending(dir: string): Promise<void> {
  await rm(join(dir, PENDING), { force: true });
}

/** The corpus folder of a first ingest that was stopped before it saved anything, if any. */
export async function readPending(dir: string): Promise<string | null> {
  try {
    const p = JSON.parse(await readFile(join(dir, PENDING), 'utf8')) as { corpusDir?: unknown };
    return typeof p.corpusDir === 'string' ? p.corpusDir : null;
  } catch {
    return null;
  }
}

/** True when `dir` exists and is a folder. */
export async function isFolder(dir: string): Promise<boolean> {
  return (await stat(dir).catch(() => null))?.isDirectory() ?? false;
}
