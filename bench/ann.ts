/**
 * Dense search at scale: the nearest-neighbour graph (retrieval/stores/embedded/ann.ts, USearch HNSW) against the
 * exact scan it replaces, on real MiniLM vectors of Reuters-21578 chunks, in one run, question by
 * question in turns (so both see the same machine load).
 *  - dense top-50: the graph's search vs the exact scan; recall@10 of the graph against the scan;
 *  - retrieval: the whole answer for a question vector given, sentences cached (BM25, fusion,
 *    quote choice): what a user waits for beyond embedding the question; and where its time goes
 *    (graph side): dense top-50, BM25 top-50, fusion, and quote choice (everything after the first stage);
 *  - graph build time and file size (built once per index generation, off the main thread; here on every
 *    core, where the bot uses one);
 *  - the peer: vectra's own LocalIndex.queryItems (the stock way to search the named store), top 10
 *    over the same vectors, read through our codec from the saved index;
 *  - with --orama, Orama's hybrid search (a popular TypeScript search library: full text + vector)
 *    over the same chunk texts and vectors, top 10 (its insert is slow: minutes at 100k).
 * Sizes above the real-vector count (20k) repeat the real vectors, each copy moved by seeded noise
 * (cosine ≈ 0.9 to its original), so neighbours stay as crowded as real news.
 * Usage: npm run bench:ann [-- --sizes 20000,100000] [--queries 200] [--real 20000] [--orama] [--skip-vectra]
 *   --real N       real vectors to embed (the rest are noisy copies); --skip-vectra   leave the vectra peer out
 *                  (at 1M chunks its number[] copy of every vector needs a heap of several GB)
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { normalize } from '../embeddings/embedder.ts';
import { findPassages } from '../retrieval/answer.ts';
import { AnnIndex } from '../retrieval/stores/embedded/ann.ts';
import { cosine, denseTopK, fuse } from '../retrieval/search.ts';
import { terms } from '../retrieval/text.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { create, insertMultiple, search } from '@orama/orama';
import { LocalIndex } from 'vectra';
import { Float32Codec } from '../retrieval/stores/embedded/float32-codec.ts';
import { currentGeneration, saveIndex, STORE_VERSION } from '../retrieval/stores/embedded/store.ts';
import type { Article, Chunk } from '../retrieval/types.ts';
import { loadBenchEmbedder } from './embedders.ts';
import { chunksOf, chunkText, corpusOf, newsArticles } from './news.ts';
import { percentile, report, rssMiB, timed } from './report.ts';
import { embedResumable } from './vector-cache.ts';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '20000,100000' }, queries: { type: 'string', default: '200' }, real: { type: 'string', default: '20000' }, orama: { type: 'boolean', default: false }, 'skip-vectra': { type: 'boolean', default: false } } });
const embedder = await loadBenchEmbedder('minilm');
const dim = embedder.dim;
const realSize = Number(args.real);
const base = newsArticles('reuters21578.jsonl');
const baseChunks = chunksOf(base, embedder);
const realCorpus = corpusOf(base, baseChunks, realSize);
const realById = new Map(realCorpus.articles.map((a) => [a.id, a]));
const real = (await embedResumable(embedder, realCorpus.chunks.map((c) => chunkText(realById.get(c.articleId)!, c)), 'reuters')).vectors;

// Questions: titles spread over the corpus, as a reader would type them; their vectors are real.
const n = Number(args.queries);
const questions = Array.from({ length: n }, (_, i) => base[Math.floor((i / n) * realCorpus.articles.length)]!.title.toLowerCase());
const qv = await embedder.embed(questions);

/** `size` rows: the real vectors, then noisy copies of them. */
function vectorsOf(size: number): Float32Array {
  const out = new Float32Array(size * dim);
  let s = 12345;
  const gauss = () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    const u = (s + 1) / 2 ** 32;
    s = (s * 1664525 + 1013904223) >>> 0;
    return Math.sqrt(-2 * Math.log(u)) * Math.cos((2 * Math.PI * s) / 2 ** 32);
  };
  const sigma = 0.5 / Math.sqrt(dim);
  for (let r = 0; r < size; r++) {
    const src = real.subarray((r % realSize) * dim, ((r % realSize) + 1) * dim);
    out.set(r < realSize ? src : normalize(Float32Array.from(src, (x) => x + sigma * gauss())), r * dim);
  }
  return out;
}

/** The same chunks (text and vector) in an Orama database, as its docs show hybrid search. */
async function oramaOf(articles: Article[], chunks: Chunk[], vectors: Float32Array) {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const db = create({ schema: { text: 'string', embedding: `vector[${dim}]` } as const });
  const docs = chunks.map((c, i) => ({ text: chunkText(byId.get(c.articleId)!, c), embedding: Array.from(vectors.subarray(i * dim, (i + 1) * dim)) }));
  const [, insertMs] = await timed(() => insertMultiple(db, docs, 1000));
  return { db, insertMs };
}

const rows: Record<string, string | number>[] = [];
for (const size of args.sizes!.split(',').map(Number)) {
  const { articles, chunks } = corpusOf(base, baseChunks, size);
  const vectors = vectorsOf(chunks.length);
  const snap = new Snapshot({ manifest: { version: STORE_VERSION, model: { id: embedder.id, dim }, chunkCount: chunks.length, hashes: {}, builtAt: '' }, articles, chunks, vectors });
  const dir = mkdtempSync(join(tmpdir(), 'bench-ann-'));
  const rssBefore = rssMiB();
  // Every core for the build: the bench waits for it (the bot builds on one thread and keeps answering).
  const threads = availableParallelism();
  const [ann, buildMs] = await timed(() => AnnIndex.build(vectors, dim, join(dir, 'graph.usearch'), false, threads));
  const [, loadMs] = await timed(() => AnnIndex.load(join(dir, 'graph.usearch'), chunks.length, dim));
  const fileMiB = statSync(join(dir, 'graph.usearch')).size / 2 ** 20;
  const store = join(dir, 'index');
  await saveIndex(store, { ...snap.data, bm25: snap.bm25.data });
  const vectra = args['skip-vectra'] ? null : new LocalIndex(join(store, (await currentGeneration(store))!, 'vectors'), undefined, undefined, new Float32Codec());
  await vectra?.queryItems(Array.from(qv[0]!), '', 10);
  const orama = args.orama ? await oramaOf(articles, chunks, vectors) : null;

  // Warm the sentence cache (first pass), so the timed passes measure search and quoting, not the model:
  // with the graph too, whose chunks differ from the scan's where its recall is low (1M copies).
  for (const graph of [null, ann]) {
    snap.ann = graph;
    for (const [i, q] of questions.entries()) await findPassages(snap, qv[i]!, q, {}, (t) => embedder.embed(t));
  }
  const m = { exact: [] as number[], graph: [] as number[], vectra: [] as number[], orama: [] as number[], answerExact: [] as number[], answerGraph: [] as number[] };
  // Stage times inside findPassages, graph side: the snapshot's own first stage and BM25 search, timed around the calls.
  const stage = { first: [] as number[], bm25: [] as number[], bm25Exhaustive: [] as number[], fusion: [] as number[], quotes: [] as number[] };
  let inFirst = 0;
  let inBm25 = 0;
  const hybrid = snap.hybrid.bind(snap);
  snap.hybrid = async (...a) => {
    const t = performance.now();
    const out = await hybrid(...a);
    inFirst += performance.now() - t;
    return out;
  };
  const bm25Search = snap.bm25.search.bind(snap.bm25);
  snap.bm25.search = (...a) => {
    const t = performance.now();
    const out = bm25Search(...a);
    inBm25 += performance.now() - t;
    return out;
  };
  let found = 0;
  for (const [i, q] of questions.entries()) {
    const v = qv[i]!;
    // One side of the comparison: the dense search and the whole answer, with or without the graph.
    const side = async (graph: AnnIndex | null, dense: number[], answer: number[]) => {
      snap.ann = graph;
      let t = performance.now();
      const top = denseTopK(snap, v, 50, null);
      dense.push(performance.now() - t);
      inFirst = inBm25 = 0;
      t = performance.now();
      await findPassages(snap, v, q, {}, (x) => embedder.embed(x));
      answer.push(performance.now() - t);
      if (graph) {
        stage.first.push(inFirst);
        stage.bm25.push(inBm25);
        stage.quotes.push(answer[answer.length - 1]! - inFirst);
        // Fusion on its own, over the same two lists retrieval fuses (30 hits from 50 + 50).
        const lexical = bm25Search(terms(q), 50, null).map((l) => ({ row: l.doc, score: l.score, dense: null }));
        // The baseline: the same BM25 top 50 by scoring every posting (the search before pruning).
        t = performance.now();
        snap.bm25.searchExhaustive(terms(q), 50, null);
        stage.bm25Exhaustive.push(performance.now() - t);
        t = performance.now();
        fuse(top, lexical, (row) => cosine(snap, v, row), 30);
        stage.fusion.push(performance.now() - t);
      }
      return top;
    };
    // Alternate which side goes first.
    const exactFirst = i % 2 === 0;
    const first = exactFirst ? await side(null, m.exact, m.answerExact) : await side(ann, m.graph, m.answerGraph);
    const second = exactFirst ? await side(ann, m.graph, m.answerGraph) : await side(null, m.exact, m.answerExact);
    const [exact, approx] = exactFirst ? [first, second] : [second, first];
    let t = performance.now();
    if (vectra) {
      await vectra.queryItems(Array.from(v), '', 10);
      m.vectra.push(performance.now() - t);
    }
    if (orama) {
      t = performance.now();
      await search(orama.db, { mode: 'hybrid', term: q, vector: { value: Array.from(v), property: 'embedding' }, similarity: 0, limit: 10 });
      m.orama.push(performance.now() - t);
    }
    const truth = new Set(exact.slice(0, 10).map((h) => h.row));
    found += approx.slice(0, 10).filter((h) => truth.has(h.row)).length;
  }
  for (const xs of [...Object.values(m), ...Object.values(stage)]) xs.sort((x, y) => x - y);
  const p = (xs: number[], k: number) => percentile(xs, k);
  rows.push({
    chunks: chunks.length,
    'exact top-50 p50 ms': p(m.exact, 50),
    'graph top-50 p50 ms': p(m.graph, 50),
    'graph p95 ms': p(m.graph, 95),
    'dense speed-up': p(m.exact, 50) / p(m.graph, 50),
    ...(vectra ? { 'vectra queryItems top-10 p50 ms': p(m.vectra, 50), 'vectra ÷ graph': p(m.vectra, 50) / p(m.graph, 50) } : {}),
    ...(orama ? { 'orama hybrid top-10 p50 ms': p(m.orama, 50), 'orama ÷ our retrieval': p(m.orama, 50) / p(m.answerGraph, 50), 'orama insert s': orama.insertMs / 1000 } : {}),
    'recall@10': found / (10 * n),
    'retrieval p50 ms (exact)': p(m.answerExact, 50),
    'retrieval p50 ms (graph)': p(m.answerGraph, 50),
    'retrieval p95 ms (graph)': p(m.answerGraph, 95),
    'retrieval ratio graph/exact': p(m.answerGraph, 50) / p(m.answerExact, 50),
    'stage: dense p50/p95 ms': `${p(m.graph, 50).toFixed(2)}/${p(m.graph, 95).toFixed(2)}`,
    'stage: BM25 p50/p95 ms': `${p(stage.bm25, 50).toFixed(2)}/${p(stage.bm25, 95).toFixed(2)}`,
    'BM25 exhaustive p50/p95 ms': `${p(stage.bm25Exhaustive, 50).toFixed(2)}/${p(stage.bm25Exhaustive, 95).toFixed(2)}`,
    'BM25 exhaustive ÷ pruned p50': p(stage.bm25Exhaustive, 50) / p(stage.bm25, 50),
    'stage: fusion p50/p95 ms': `${p(stage.fusion, 50).toFixed(2)}/${p(stage.fusion, 95).toFixed(2)}`,
    'stage: first (dense+BM25+fusion) p50/p95 ms': `${p(stage.first, 50).toFixed(2)}/${p(stage.first, 95).toFixed(2)}`,
    'stage: quote choice p50/p95 ms': `${p(stage.quotes, 50).toFixed(2)}/${p(stage.quotes, 95).toFixed(2)}`,
    'graph build s': buildMs / 1000,
    'build threads': threads,
    'graph load s': loadMs / 1000,
    'graph MiB': fileMiB,
    'RSS +MiB': rssMiB() - rssBefore,
  });
  console.error(`${chunks.length} chunks done`);
  rmSync(dir, { recursive: true, force: true });
}
// Each set of sizes keeps its own results file (npm run bench runs 1M apart from 20k and 100k).
report(args.sizes === '20000,100000' ? 'ann' : `ann-${args.sizes!.replaceAll(',', '-')}`, `Dense search with the nearest-neighbour graph vs the exact scan (Reuters-21578, real MiniLM vectors, ${n} questions; ms)`, rows, { embedder: embedder.id, queries: n });
