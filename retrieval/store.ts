import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalIndex, type IndexData, type IndexItem } from 'vectra';
import { Float32Codec } from './float32-codec.ts';
import type { Bm25Data } from './bm25.ts';
import type { Article, Chunk } from './types.ts';

/**
 * The index on disk. Each build is written to a fresh generation folder (a vectra LocalIndex in
 * the Float32Codec format, the BM25 index, articles and manifest), and only then does the CURRENT pointer move to it
 * by an atomic rename. A crash at any moment leaves CURRENT naming a complete generation.
 */

/** 2: vectors in the Float32Codec format and a saved keyword index. */
// 3: author bios are indexed as chunks of their own.
export const STORE_VERSION = 3;

export interface Manifest {
  version: number;
  model: { id: string; dim: number };
  chunkCount: number;
  /** Content hash of each article, for incremental re-ingest. */
  hashes: Record<string, string>;
  builtAt: string;
}

export interface StoredIndex {
  manifest: Manifest;
  articles: Article[];
  chunks: Chunk[];
  /** Row i is chunk i's unit vector. */
  vectors: Float32Array;
  /** The keyword index over the chunks, saved so a load does not rebuild it. */
  bm25?: Bm25Data | null;
}

// note: index of the author bio a chunk was cut from, -1 for body text.
type ChunkMeta = { articleId: string; paragraph: number; start: number; end: number; section: string; author: string; source: string; date: number; note: number };

export class IndexCorruptError extends Error {}

const CURRENT = 'CURRENT';
const INDEXED: (keyof ChunkMeta)[] = ['articleId', 'paragraph', 'start', 'end', 'section', 'author', 'source', 'date'];

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

export async function currentGeneration(dir: string): Promise<string | null> {
  try {
    return (await readFile(join(dir, CURRENT), 'utf8')).trim() || null;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

export async function saveIndex(dir: string, data: StoredIndex): Promise<void> {
  await mkdir(dir, { recursive: true });
  const gen = `gen-${Date.now()}-${process.pid}`;
  const genDir = join(dir, gen);
  await mkdir(genDir);
  await writeDurable(join(genDir, 'articles.json'), JSON.stringify(data.articles));

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
  const codec = new Float32Codec();
  await mkdir(join(genDir, 'vectors'));
  await writeDurable(join(genDir, 'vectors', `index${codec.extension}`), codec.serializeIndex({ version: 1, metadata_config: { indexed: INDEXED }, items } as IndexData));
  if (data.bm25) await writeBm25(genDir, data.bm25);
  await writeDurable(join(genDir, 'manifest.json'), JSON.stringify(data.manifest));
  await syncDir(genDir);

  await writeDurable(join(dir, `${CURRENT}.tmp`), gen);
  await rename(join(dir, `${CURRENT}.tmp`), join(dir, CURRENT));
  await syncDir(dir);
  await removeStaleGenerations(dir, gen);
}

async function writeBm25(genDir: string, b: Bm25Data): Promise<void> {
  const arrays = [b.offsets, b.docs, b.lengths, b.tfs];
  await writeDurable(join(genDir, 'bm25.json'), JSON.stringify({ vocabulary: b.vocabulary, sizes: arrays.map((a) => a.length) }));
  await writeDurable(join(genDir, 'bm25.bin'), Buffer.concat(arrays.map((a) => Buffer.from(a.buffer, a.byteOffset, a.byteLength))));
}

/** The saved keyword index, or null when there is none or it does not fit (it is then rebuilt). */
async function readBm25(genDir: string): Promise<Bm25Data | null> {
  try {
    const meta = JSON.parse(await readFile(join(genDir, 'bm25.json'), 'utf8')) as { vocabulary: string[]; sizes: number[] };
    const bin = await readFile(join(genDir, 'bm25.bin'));
    const [nOff, nDocs, nLen, nTfs] = meta.sizes as [number, number, number, number];
    if (bin.byteLength !== 4 * (nOff + nDocs + nLen) + 2 * nTfs || nOff !== meta.vocabulary.length + 1 || nDocs !== nTfs) return null;
    // Copy out of the file buffer so each array is aligned and owns its memory.
    const u32 = new Uint32Array(bin.buffer.slice(bin.byteOffset, bin.byteOffset + 4 * (nOff + nDocs + nLen)));
    const tfs = new Uint16Array(bin.buffer.slice(bin.byteOffset + 4 * (nOff + nDocs + nLen), bin.byteOffset + bin.byteLength));
    return { vocabulary: meta.vocabulary, offsets: u32.subarray(0, nOff), docs: u32.subarray(nOff, nOff + nDocs), lengths: u32.subarray(nOff + nDocs), tfs };
  } catch {
    return null;
  }
}

async function removeStaleGenerations(dir: string, keep: string): Promise<void> {
  for (const name of await readdir(dir)) {
    if (name.startsWith('gen-') && name !== keep) await rm(join(dir, name), { recursive: true, force: true });
  }
}

/** Loads the current generation; null when there is none. Throws IndexCorruptError when it is unreadable. */
export async function loadIndex(dir: string): Promise<StoredIndex | null> {
  const gen = await currentGeneration(dir);
  if (!gen) return null;
  const genDir = join(dir, gen);
  try {
    const manifest = JSON.parse(await readFile(join(genDir, 'manifest.json'), 'utf8')) as Manifest;
    if (manifest.version !== STORE_VERSION) {
      throw new IndexCorruptError(`Index at ${genDir} was written by another version of the bot (format ${manifest.version}; this one reads ${STORE_VERSION}).`);
    }
    const articles = JSON.parse(await readFile(join(genDir, 'articles.json'), 'utf8')) as Article[];
    const index = new LocalIndex<ChunkMeta>(join(genDir, 'vectors'), undefined, undefined, new Float32Codec());
    const items = await index.listItems();
    const dim = manifest.model.dim;
    if (items.length !== manifest.chunkCount) throw new Error(`${items.length} vectors, manifest says ${manifest.chunkCount}`);
    const vectors = new Float32Array(items.length * dim);
    const chunks: Chunk[] = items.map((it, i) => {
      if (it.vector.length !== dim) throw new Error(`vector ${it.id} has ${it.vector.length} dimensions, expected ${dim}`);
      vectors.set(it.vector, i * dim);
      const m = it.metadata;
      const chunk: Chunk = { id: it.id, articleId: m.articleId, paragraph: m.paragraph, start: m.start, end: m.end, section: m.section || null };
      if (typeof m.note === 'number' && m.note >= 0) chunk.note = m.note;
      return chunk;
    });
    return { manifest, articles, chunks, vectors, bm25: await readBm25(genDir) };
  } catch (e) {
    if (e instanceof IndexCorruptError) throw e;
    throw new IndexCorruptError(`Index at ${genDir} is unreadable (${(e as Error).message}).`);
  }
}

export async function removeIndex(dir: string): Promise<void> {
  await rm(join(dir, CURRENT), { force: true });
  await writeFile(join(dir, '.keep'), '').catch(() => {});
}
