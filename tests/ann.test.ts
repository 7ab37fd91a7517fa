import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { normalize } from '../embeddings/embedder.ts';
import { AnnIndex, annPath } from '../retrieval/stores/embedded/ann.ts';
import { Bm25 } from '../retrieval/bm25.ts';
import { Engine } from '../retrieval/engine.ts';
import { cosine, denseTopK, exactTopK } from '../retrieval/search.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { STORE_VERSION } from '../retrieval/stores/embedded/store.ts';
import { SEED_CORPUS, seedSettings } from './helpers/seed.ts';
import { tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const DIM = 48;

/** Unit vectors in clusters, as embeddings of news come: a seeded generator, so a failure reproduces. */
function clustered(rows: number, seed = 7): Float32Array {
  let s = seed;
  const rand = () => ((s = (s * 1664525 + 1013904223) >>> 0) / 2 ** 32) - 0.5;
  const centres = Array.from({ length: 40 }, () => Float32Array.from({ length: DIM }, rand));
  const v = new Float32Array(rows * DIM);
  for (let r = 0; r < rows; r++) {
    const c = centres[r % centres.length]!;
    v.set(normalize(Float32Array.from(c, (x) => x + 0.35 * rand())), r * DIM);
  }
  return v;
}

/** A snapshot over `vectors` with one placeholder article: enough for the dense search. */
function snapshotOf(vectors: Float32Array): Snapshot {
  const rows = vectors.length / DIM;
  const article = { id: 'a', title: 'A', author: null, source: null, date: null, url: null, standfirst: null, text: 'x', paragraphs: [{ start: 0, end: 1, section: null }], notes: [], file: 'a.txt' };
  const chunks = Array.from({ length: rows }, (_, i) => ({ id: `a#${i}`, articleId: 'a', paragraph: 0, section: null, start: 0, end: 1 }));
  return new Snapshot({
    manifest: { version: STORE_VERSION, model: { id: 'm', dim: DIM }, chunkCount: rows, hashes: {}, builtAt: 'now' },
    articles: [article],
    chunks,
    vectors,
    bm25: Bm25.build(chunks.map(() => 'x')).data,
  });
}

describe('nearest-neighbour graph (USearch HNSW)', async () => {
  const rows = 6000;
  const vectors = clustered(rows);
  const queries = clustered(60, 99);
  const dir = tmp('ann-');
  const path = join(dir, 'graph.usearch');
  const ann = await AnnIndex.build(vectors, DIM, path);

  it('finds at least 95% of the exact top 10, with exact scores', () => {
    const snap = snapshotOf(vectors);
    snap.ann = ann;
    let found = 0;
    for (let i = 0; i < 60; i++) {
      const q = queries.subarray(i * DIM, (i + 1) * DIM);
      const exact = exactTopK(snap, q, 10, null);
      const approx = denseTopK(snap, q, 10, null);
      expect(approx).toHaveLength(10);
      const truth = new Set(exact.map((h) => h.row));
      found += approx.filter((h) => truth.has(h.row)).length;
      for (const h of approx) expect(h.score).toBeCloseTo(cosine(snap, q, h.row), 6);
    }
    expect(found / 600).toBeGreaterThanOrEqual(0.95);
  });

  it('applies filters: only allowed rows, and the exact scan when the graph finds too few', () => {
    const snap = snapshotOf(vectors);
    snap.ann = ann;
    const q = queries.subarray(0, DIM);
    const half = Uint8Array.from({ length: rows }, (_, r) => r % 2);
    expect(denseTopK(snap, q, 10, half).every((h) => half[h.row])).toBe(true);
    const five = new Uint8Array(rows);
    for (const r of [3, 1001, 2002, 4003, 5999]) five[r] = 1;
    expect(denseTopK(snap, q, 10, five).map((h) => h.row).sort((a, b) => a - b)).toEqual([3, 1001, 2002, 4003, 5999]);
  });

  it('loads a saved graph, and treats a damaged or mismatched one as missing (it is rebuilt)', () => {
    expect(AnnIndex.load(path, rows, DIM)).not.toBeNull();
    expect(AnnIndex.load(path, rows + 1, DIM)).toBeNull();
    // A flipped byte: USearch would crash the process on a damaged graph, so it must never be handed one.
    const bad = join(dir, 'bad.usearch');
    const bytes = readFileSync(path);
    bytes[bytes.length >> 1]! ^= 0xff;
    writeFileSync(bad, bytes);
    cpSync(`${path}.json`, `${bad}.json`);
    expect(AnnIndex.load(bad, rows, DIM)).toBeNull();
    writeFileSync(join(dir, 'junk.usearch'), Buffer.alloc(4096, 7));
    expect(AnnIndex.load(join(dir, 'junk.usearch'), rows, DIM)).toBeNull();
    expect(AnnIndex.load(join(dir, 'none.usearch'), rows, DIM)).toBeNull();
  });
});

describe('the engine and its graph', async () => {
  const embedder = await tinyEmbedder();

  it('builds the graph with the index, answers as the exact scan does, reloads it, and drops an old generation’s graph', async () => {
    const corpus = tmp('ann-corpus-');
    cpSync(SEED_CORPUS, corpus, { recursive: true });
    const indexDir = tmp('ann-index-');
    const settings = { ...seedSettings(indexDir, corpus), annMinChunks: 1 };
    const logs: string[] = [];
    const engine = await Engine.open(settings, (_l, m) => logs.push(m), embedder);
    await engine.ingest();
    expect(logs.filter((m) => m.includes('graph'))).toEqual([expect.stringContaining('Building'), expect.stringContaining('ready')]);
    const graphs = () => readdirSync(join(indexDir, 'ann')).filter((f) => f.endsWith('.usearch'));
    expect(graphs()).toHaveLength(1);

    const question = 'Why are railway workers striking?';
    const withGraph = await engine.ask(question);
    const snap = (engine as unknown as { snap: Snapshot }).snap;
    expect(snap.ann).not.toBeNull();
    const graph = snap.ann;
    snap.ann = null;
    const exact = await engine.ask(question);
    snap.ann = graph;
    expect(withGraph.passages.map((p) => p.quote)).toEqual(exact.passages.map((p) => p.quote));

    logs.length = 0;
    const reopened = await Engine.open(settings, (_l, m) => logs.push(m), embedder);
    await reopened.annReady;
    expect(logs.some((m) => m.includes('Building'))).toBe(false);
    expect((reopened as unknown as { snap: Snapshot }).snap.ann).not.toBeNull();

    writeFileSync(join(corpus, 'extra.md'), '---\ntitle: Ferry Crews Strike\n---\nFerry crews in Calais stopped work on Monday over pay.\n');
    const old = graphs()[0]!;
    await engine.ingest();
    expect(graphs()).toHaveLength(1);
    expect(graphs()[0]).not.toBe(old);
    expect(existsSync(annPath(indexDir, (engine as unknown as { snap: Snapshot }).snap.data))).toBe(true);
  });
});
