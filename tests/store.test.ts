import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, truncateSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalIndex } from 'vectra';
import { Bm25 } from '../retrieval/bm25.ts';
import { Float32Codec } from '../retrieval/stores/embedded/float32-codec.ts';
import { Engine } from '../retrieval/engine.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { currentGeneration, IndexCorruptError, loadIndex, saveIndex, STORE_VERSION, type StoredIndex } from '../retrieval/stores/embedded/store.ts';
import type { Article } from '../retrieval/types.ts';
import { seedSettings } from './helpers/seed.ts';
import { tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

function sample(dim = 4): StoredIndex {
  const article: Article = { id: 'f/a', title: 'A', author: 'Ann', source: 'Src', date: '2024-05-24', url: null, standfirst: null, text: 'One. Two.', paragraphs: [{ start: 0, end: 9, section: 'S' }], notes: [], file: 'f.txt' };
  return {
    manifest: { version: STORE_VERSION, model: { id: 'model-x', dim }, chunkCount: 2, hashes: { 'f/a': 'h' }, builtAt: 'now' },
    articles: [article],
    chunks: [
      { id: 'f/a#0', articleId: 'f/a', paragraph: 0, section: 'S', start: 0, end: 4 },
      { id: 'f/a#1', articleId: 'f/a', paragraph: 0, section: null, start: 5, end: 9 },
    ],
    vectors: Float32Array.from([0.5, 0.5, 0.5, 0.5, 1, 0, 0, 0]),
    bm25: Bm25.build(['A One.', 'A Two.']).data,
  };
}

describe('index store', () => {
  it('round-trips articles, chunks, float32 vectors (vectra files) and the keyword index', async () => {
    const dir = tmp('store-');
    await saveIndex(dir, sample());
    const back = await loadIndex(dir);
    const { manifest, ...rest } = sample();
    expect(back).toMatchObject(rest);
    expect(back!.manifest).toEqual({ ...manifest, files: expect.any(Object) });
    // Every file of the generation is checksummed.
    expect(Object.keys(back!.manifest.files!).sort()).toEqual(['articles.json', 'bm25.bin', 'bm25.json', 'vectors/index.f32idx']);
    const gen = await currentGeneration(dir);
    expect(readdirSync(join(dir, gen!, 'vectors'))).toEqual(['index.f32idx']);
    // Still a vectra index: vectra itself reads and queries it through the codec.
    const vectra = new LocalIndex(join(dir, gen!, 'vectors'), undefined, undefined, new Float32Codec());
    const [top] = await vectra.queryItems([1, 0, 0, 0], '', 1);
    expect(top?.item.id).toBe('f/a#1');
    expect(top?.item.metadata).toMatchObject({ articleId: 'f/a', author: 'Ann', date: 20240524 });
    expect(new Bm25(back!.bm25!).search(['two'], 5)).toEqual(Bm25.build(['A One.', 'A Two.']).search(['two'], 5));
  });

  it('rebuilds a keyword index that was never saved', async () => {
    const dir = tmp('store-');
    await saveIndex(dir, { ...sample(), bm25: null });
    const back = (await loadIndex(dir))!;
    expect(back.bm25).toBeNull();
    expect(new Snapshot(back).bm25.search(['two'], 5).map((h) => h.doc)).toEqual([1]);
  });

  it('keeps the current and the previous generation (a reader may still be in it), and removes older ones', async () => {
    const dir = tmp('store-');
    const gens: string[] = [];
    for (let i = 0; i < 3; i++) {
      await saveIndex(dir, sample());
      gens.push((await currentGeneration(dir))!);
    }
    expect(readdirSync(dir).filter((n) => n.startsWith('gen-')).sort()).toEqual(gens.slice(1).sort());
  });

  // One byte changed in any file of a generation: a clear error naming the file and the repair, never quiet wrong answers.
  it.each(['manifest.json', 'articles.json', 'vectors/index.f32idx', 'bm25.json', 'bm25.bin'])('finds one damaged byte in %s', async (file) => {
    const dir = tmp('store-');
    await saveIndex(dir, { ...sample(), manifest: { ...sample().manifest, corpusDir: '/data/news' } });
    const path = join(dir, (await currentGeneration(dir))!, file);
    const bytes = readFileSync(path);
    // A byte in the middle: for the vector file, inside a float (a ranking changes, the file still parses).
    const at = file === 'vectors/index.f32idx' ? bytes.length - 3 : Math.floor(bytes.length / 2);
    bytes[at] = bytes[at]! ^ 0x10;
    writeFileSync(path, bytes);
    const err = await loadIndex(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexCorruptError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain('npm run cli -- ingest --rebuild "/data/news"');
  });

  it('finds a damaged CURRENT pointer', async () => {
    const dir = tmp('store-');
    await saveIndex(dir, sample());
    writeFileSync(join(dir, 'CURRENT'), '{"generation": 12');
    await expect(loadIndex(dir)).rejects.toThrow(/CURRENT is unreadable.*ingest --rebuild/);
  });

  it('refuses NaN or infinite vectors when saving, and when loading one written with valid checksums', async () => {
    const dir = tmp('store-');
    const bad = sample();
    bad.vectors[5] = Number.NaN;
    await expect(saveIndex(dir, bad)).rejects.toThrow(/f\/a#1 holds NaN.*not written/);
    expect(await loadIndex(dir)).toBeNull();
    // As a buggy writer would leave it: a NaN in the float block, checksums recomputed over it.
    await saveIndex(dir, sample());
    const gen = join(dir, (await currentGeneration(dir))!);
    const vec = readFileSync(join(gen, 'vectors', 'index.f32idx'));
    vec.writeFloatLE(Number.POSITIVE_INFINITY, vec.length - 4);
    writeFileSync(join(gen, 'vectors', 'index.f32idx'), vec);
    const manifest = JSON.parse(readFileSync(join(gen, 'manifest.json'), 'utf8'));
    manifest.files['vectors/index.f32idx'] = createHash('sha256').update(vec).digest('hex');
    writeFileSync(join(gen, 'manifest.json'), JSON.stringify(manifest));
    const pointer = JSON.parse(readFileSync(join(dir, 'CURRENT'), 'utf8'));
    pointer.manifest = createHash('sha256').update(JSON.stringify(manifest)).digest('hex');
    writeFileSync(join(dir, 'CURRENT'), JSON.stringify(pointer));
    await expect(loadIndex(dir)).rejects.toThrow(/index\.f32idx is damaged \(the vector of chunk f\/a#1 holds Infinity\)/);
  });

  it('returns null for an empty folder and a clear error for a damaged index', async () => {
    expect(await loadIndex(tmp('store-'))).toBeNull();
    const dir = tmp('store-');
    await saveIndex(dir, sample());
    const file = join(dir, (await currentGeneration(dir))!, 'vectors', 'index.f32idx');
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    await expect(loadIndex(dir)).rejects.toBeInstanceOf(IndexCorruptError);
    await expect(loadIndex(dir)).rejects.toThrow(/index\.f32idx is damaged/);
  });

  it('a writer killed holding the lock blocks the next one with a clear message until the lock is stale', async () => {
    const dir = tmp('store-lock-');
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'hold-lock.ts'), dir], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve) => {
      child.stdout.once('data', () => child.kill('SIGKILL'));
      child.on('exit', () => resolve());
    });
    expect(existsSync(join(dir, 'write.lock'))).toBe(true);
    const engine = await Engine.open(seedSettings(dir), () => {}, await tinyEmbedder());
    await expect(engine.ingest()).rejects.toThrow(/Another ingest is writing the index in .*expires after 30 s/);
    utimesSync(join(dir, 'write.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
    await saveIndex(dir, sample());
    expect((await loadIndex(dir))!.manifest.model.id).toBe('model-x');
  });

  it('survives kill -9 at any moment of a save: the next load is a whole generation', async () => {
    const dir = tmp('store-crash-');
    for (let round = 0; round < 6; round++) {
      const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'save-loop.ts'), dir, String(2000 + round * 500)], { stdio: ['ignore', 'pipe', 'inherit'] });
      let saved = 0;
      await new Promise<void>((resolve) => {
        child.stdout.on('data', (d: Buffer) => {
          saved += d.toString().split('\n').filter(Boolean).length;
          // Kill at varying points inside a later save, not between saves.
          if (saved >= 2) setTimeout(() => child.kill('SIGKILL'), 3 + round * 7);
        });
        child.on('exit', () => resolve());
      });
      // The killed writer's lock stays until it is stale (30 s without a refresh); age it rather than wait.
      if (existsSync(join(dir, 'write.lock'))) utimesSync(join(dir, 'write.lock'), new Date(Date.now() - 60_000), new Date(Date.now() - 60_000));
      const data = await loadIndex(dir);
      expect(data).not.toBeNull();
      const gen = Number(data!.manifest.hashes.a);
      expect(data!.articles[0]!.title).toBe(`Gen ${gen}`);
      expect(data!.chunks).toHaveLength(data!.manifest.chunkCount);
      expect(data!.vectors.length).toBe(data!.manifest.chunkCount * 64);
      expect(data!.vectors.every((v) => v === gen)).toBe(true);
    }
  });
});
