import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { LocalIndex } from 'vectra';
import { Bm25 } from '../retrieval/bm25.ts';
import { Float32Codec } from '../retrieval/float32-codec.ts';
import { Engine } from '../retrieval/engine.ts';
import { Snapshot } from '../retrieval/snapshot.ts';
import { currentGeneration, IndexCorruptError, loadIndex, saveIndex, STORE_VERSION } from '../retrieval/store.ts';
import type { Article } from '../retrieval/types.ts';
import { seedSettings } from './helpers/seed.ts';
import { tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

function sample(dim = 4) {
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
    expect(back).toEqual(sample());
    const gen = await currentGeneration(dir);
    expect(readdirSync(join(dir, gen!, 'vectors'))).toEqual(['index.f32idx']);
    // Still a vectra index: vectra itself reads and queries it through the codec.
    const vectra = new LocalIndex(join(dir, gen!, 'vectors'), undefined, undefined, new Float32Codec());
    const [top] = await vectra.queryItems([1, 0, 0, 0], '', 1);
    expect(top?.item.id).toBe('f/a#1');
    expect(top?.item.metadata).toMatchObject({ articleId: 'f/a', author: 'Ann', date: 20240524 });
    expect(new Bm25(back!.bm25!).search(['two'], 5)).toEqual(Bm25.build(['A One.', 'A Two.']).search(['two'], 5));
  });

  it('rebuilds a missing or damaged keyword index instead of failing', async () => {
    const dir = tmp('store-');
    await saveIndex(dir, sample());
    writeFileSync(join(dir, (await currentGeneration(dir))!, 'bm25.bin'), 'junk');
    const back = (await loadIndex(dir))!;
    expect(back.bm25).toBeNull();
    expect(new Snapshot(back).bm25.search(['two'], 5).map((h) => h.doc)).toEqual([1]);
  });

  it('keeps only the current generation after a save', async () => {
    const dir = tmp('store-');
    await saveIndex(dir, sample());
    await saveIndex(dir, sample());
    expect(readdirSync(dir).filter((n) => n.startsWith('gen-'))).toEqual([await currentGeneration(dir)]);
  });

  it('returns null for an empty folder and a clear error for a damaged index', async () => {
    expect(await loadIndex(tmp('store-'))).toBeNull();
    const dir = tmp('store-');
    await saveIndex(dir, sample());
    const file = join(dir, (await currentGeneration(dir))!, 'vectors', 'index.f32idx');
    truncateSync(file, Math.floor(readFileSync(file).length / 2));
    await expect(loadIndex(dir)).rejects.toBeInstanceOf(IndexCorruptError);
    await expect(loadIndex(dir)).rejects.toThrow(/is unreadable/);
  });

  it('rebuilds from the corpus when the index on disk is corrupt', async () => {
    const dir = tmp('store-');
    const embedder = await tinyEmbedder();
    const first = await Engine.open(seedSettings(dir), () => {}, embedder);
    await first.ensureIndex();
    writeFileSync(join(dir, (await currentGeneration(dir))!, 'articles.json'), '{"trunc');
    const logs: string[] = [];
    const engine = await Engine.open(seedSettings(dir), (level, m) => logs.push(`${level}: ${m}`), embedder);
    expect(engine.ready).toBe(false);
    expect(logs.join('\n')).toMatch(/warn: Index at .* is unreadable .* rebuilt/);
    const report = await engine.ensureIndex();
    expect(report?.articles).toBe(11);
    expect((await engine.ask('railway workers strike')).passages.length).toBeGreaterThan(0);
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
