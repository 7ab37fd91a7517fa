import { mkdir, open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { LocalIndex, ProtobufCodec, type IndexData, type IndexItem } from 'vectra';
import type { Article, Chunk } from './types.ts';

/**
 * The index on disk. Each build is written to a fresh generation folder (vectra index with a
 * float32 protobuf codec, articles and manifest), and only then does the CURRENT pointer move to it
 * by an atomic rename. A crash at any moment leaves CURRENT naming a complete generation.
 */

export const STORE_VERSION = 1;

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
}

type ChunkMeta = { articleId: string; paragraph: number; start: number; end: number; section: string; author: string; source: string; date: number };

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
    const vector = Array.from(data.vectors.subarray(i * dim, (i + 1) * dim));
    return {
      id: c.id,
      vector,
      norm: Math.hypot(...vector),
      metadata: { articleId: c.articleId, paragraph: c.paragraph, start: c.start, end: c.end, section: c.section ?? '', author: a.author ?? '', source: a.source ?? '', date: dateNumber(a.date) },
    };
  });
  const codec = new ProtobufCodec();
  await mkdir(join(genDir, 'vectors'));
  await writeDurable(join(genDir, 'vectors', `index${codec.extension}`), codec.serializeIndex({ version: 1, metadata_config: { indexed: INDEXED }, items } as IndexData));
  await writeDurable(join(genDir, 'manifest.json'), JSON.stringify(data.manifest));
  await syncDir(genDir);

  await writeDurable(join(dir, `${CURRENT}.tmp`), gen);
  await rename(join(dir, `${CURRENT}.tmp`), join(dir, CURRENT));
  await syncDir(dir);
  await removeStaleGenerations(dir, gen);
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
    if (manifest.version !== STORE_VERSION) throw new Error(`index format ${manifest.version}, expected ${STORE_VERSION}`);
    const articles = JSON.parse(await readFile(join(genDir, 'articles.json'), 'utf8')) as Article[];
    const index = new LocalIndex<ChunkMeta>(join(genDir, 'vectors'), undefined, undefined, new ProtobufCodec());
    const items = await index.listItems();
    const dim = manifest.model.dim;
    if (items.length !== manifest.chunkCount) throw new Error(`${items.length} vectors, manifest says ${manifest.chunkCount}`);
    const vectors = new Float32Array(items.length * dim);
    const chunks: Chunk[] = items.map((it, i) => {
      if (it.vector.length !== dim) throw new Error(`vector ${it.id} has ${it.vector.length} dimensions, expected ${dim}`);
      vectors.set(it.vector, i * dim);
      const m = it.metadata;
      return { id: it.id, articleId: m.articleId, paragraph: m.paragraph, start: m.start, end: m.end, section: m.section || null };
    });
    return { manifest, articles, chunks, vectors };
  } catch (e) {
    throw new IndexCorruptError(`Index at ${genDir} is unreadable (${(e as Error).message}).`);
  }
}

export async function removeIndex(dir: string): Promise<void> {
  await rm(join(dir, CURRENT), { force: true });
  await writeFile(join(dir, '.keep'), '').catch(() => {});
}
