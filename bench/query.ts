/**
 * Query latency and index cost on Reuters-21578 chunks, with the bot's default embedder (MiniLM q8).
 *
 * A full ask is what a user waits for: embed the question, hybrid search, then embed the sentences of
 * the best chunks (cached per snapshot, so a repeated question skips that) and pick the quotes. Each
 * figure stands beside its ceiling in the same run: embed the question + a plain Float32Array
 * brute-force scan of the same vectors.
 *  - first time: distinct questions, their sentences not yet embedded;
 *  - repeated:   the same questions again, sentences cached;
 *  - retrieval:  search and quoting only (question vector given, sentences cached): no model call.
 *
 * Random rows use seeded random unit vectors (2k/20k/100k chunks: embedding 100k chunks would take
 * hours on 2 cores; scan and fusion cost do not depend on what vectors mean). Real rows use the
 * engine's vectors of the first `--real` chunks, embedded once (~18 min for 20k with MiniLM; pass
 * --real 0 with USE-lite, which is slower) and cached in .cache/vectors/ (resumable), measured in
 * turns with the random row of the same chunks.
 * Usage: npm run bench:query [-- --engine minilm|use-lite] [--sizes 2000,20000,100000] [--real 20000|0] [--queries 200]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { normalize } from '../embeddings/embedder.ts';
import { findPassages, type EmbedFn } from '../retrieval/answer.ts';
import { articleHash } from '../retrieval/article.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { loadIndex, saveIndex, STORE_VERSION } from '../retrieval/stores/embedded/store.ts';
import type { Article, Chunk } from '../retrieval/types.ts';
import { isBenchEngine, loadBenchEmbedder } from './embedders.ts';
import { chunksOf, chunkText, corpusOf, newsArticles } from './news.ts';
import { percentile, report, rssMiB, timed } from './report.ts';
import { embedResumable } from './vector-cache.ts';

const { values: args } = parseArgs({
  options: {
    engine: { type: 'string', default: 'minilm' },
    sizes: { type: 'string', default: '2000,20000,100000' },
    real: { type: 'string', default: '20000' },
    queries: { type: 'string', default: '200' },
  },
});
if (!isBenchEngine(args.engine)) throw new Error(`--engine: minilm, use-lite, tiny or minilm-fp32 (got ${args.engine})`);
const embedder = await loadBenchEmbedder(args.engine);
const dim = embedder.dim;
const realSize = Number(args.real);
// The random rows always include the real size, so the two stand side by side.
const sizes = [...new Set([...args.sizes!.split(',').filter(Boolean).map(Number), ...(realSize ? [realSize] : [])])].sort((a, b) => a - b);

const base = newsArticles('reuters21578.jsonl');
const [baseChunks, chunkMs] = await timed(() => chunksOf(base, embedder));
const total = baseChunks.reduce((n, c) => n + c.length, 0);
console.error(`Reuters: ${base.length} articles, ${total} chunks (chunked in ${(chunkMs / 1000).toFixed(1)} s)`);
if (realSize > total) throw new Error(`--real ${realSize}: Reuters has only ${total} chunks`);

// Questions: titles of articles spread over the real-vector corpus, as a reader would type them;
// warm-up questions are other titles, so no measured question has its sentences cached beforehand.
const nQueries = Number(args.queries);
const span = corpusOf(base, baseChunks, realSize || 20_000).articles.length;
const title = (x: number) => base[Math.floor(x * span) % base.length]!.title.toLowerCase();
const questions = Array.from({ length: nQueries }, (_, i) => title(i / nQueries));
const warmup = Array.from({ length: 5 }, (_, i) => title((i + 0.5) / nQueries));

function randomUnitVectors(n: number, seed = 1): Float32Array {
  const v = new Float32Array(n * dim);
  let s = seed >>> 0;
  for (let i = 0; i < v.length; i++) {
    s = (s * 1664525 + 1013904223) >>> 0;
    v[i] = s / 2 ** 32 - 0.5;
  }
  for (let r = 0; r < n; r++) v.set(normalize(v.subarray(r * dim, (r + 1) * dim)), r * dim);
  return v;
}

/** The ceiling's search: the best row by a plain dot-product scan. */
function bruteForce(vectors: Float32Array, q: Float32Array): number {
  let best = -Infinity;
  let row = -1;
  for (let r = 0, off = 0; off < vectors.length; r++, off += dim) {
    let s = 0;
    for (let j = 0; j < dim; j++) s += vectors[off + j]! * q[j]!;
    if (s > best) [best, row] = [s, r];
  }
  return row;
}

const dirSize = (dir: string): number =>
  readdirSync(dir, { withFileTypes: true }).reduce((n, e) => n + (e.isDirectory() ? dirSize(join(dir, e.name)) : statSync(join(dir, e.name)).size), 0);

/** Builds, saves and cold-loads the index as Engine.ingest and Engine.open do; its on-disk cost. */
async function indexOf(articles: Article[], chunks: Chunk[], vectors: Float32Array) {
  const data = {
    manifest: { version: STORE_VERSION, model: { id: embedder.id, dim }, chunkCount: chunks.length, hashes: Object.fromEntries(articles.map((a) => [a.id, articleHash(a)])), builtAt: '' },
    articles,
    chunks,
    vectors,
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-query-'));
  const [built, buildMs] = await timed(() => new Snapshot(data));
  const [, saveMs] = await timed(() => saveIndex(dir, { ...data, bm25: built.bm25.data }));
  const bytes = dirSize(dir);
  const rssBefore = rssMiB();
  const [stored, readMs] = await timed(() => loadIndex(dir));
  const [snap, searchMs] = await timed(() => new Snapshot(stored!));
  const loadRss = rssMiB();
  rmSync(dir, { recursive: true, force: true });
  return { snap, cost: { 'disk MiB': bytes / 2 ** 20, 'build s': buildMs / 1000, 'save s': saveMs / 1000, 'cold load s': (readMs + searchMs) / 1000, 'of which read s': readMs / 1000, 'RSS after load MiB': loadRss, 'load +RSS MiB': loadRss - rssBefore } };
}

/**
 * Latencies of each snapshot, taking turns question by question (rotating which goes first), so
 * snapshots measured together (random and real vectors of one size) see the same machine load.
 */
async function measure(snaps: Snapshot[]) {
  let sentenceMs = 0;
  let sentences = 0;
  const embedSentences: EmbedFn = async (texts) => {
    const t = performance.now();
    const out = await embedder.embed(texts);
    sentenceMs += performance.now() - t;
    sentences += texts.length;
    return out;
  };
  const embedQ = async (q: string) => (await embedder.embed([q]))[0]!;
  const turns = async (i: number, fn: (snap: Snapshot, m: Series) => Promise<void>) => {
    for (let k = 0; k < snaps.length; k++) await fn(snaps[(i + k) % snaps.length]!, series[(i + k) % snaps.length]!);
  };
  type Series = Record<'first' | 'question' | 'sentence' | 'count' | 'ceiling' | 'scan' | 'repeat' | 'retrieval', number[]>;
  const series: Series[] = snaps.map(() => ({ first: [], question: [], sentence: [], count: [], ceiling: [], scan: [], repeat: [], retrieval: [] }));

  for (const [i, q] of warmup.entries()) {
    await turns(i, async (snap) => {
      await findPassages(snap, await embedQ(q), q, {}, embedSentences);
      bruteForce(snap.data.vectors, await embedQ(q));
    });
  }
  const qv = new Map<string, Float32Array>();
  for (const [i, q] of questions.entries()) {
    await turns(i, async (snap, m) => {
      [sentenceMs, sentences] = [0, 0];
      let t = performance.now();
      const v = await embedQ(q);
      m.question.push(performance.now() - t);
      await findPassages(snap, v, q, {}, embedSentences);
      m.first.push(performance.now() - t);
      m.sentence.push(sentenceMs);
      m.count.push(sentences);
      qv.set(q, v);
      t = performance.now();
      const cv = await embedQ(q);
      const s = performance.now();
      bruteForce(snap.data.vectors, cv);
      m.scan.push(performance.now() - s);
      m.ceiling.push(performance.now() - t);
    });
  }
  // Second pass: the same questions, their sentences now in each snapshot's cache.
  let uncached = 0;
  for (const [i, q] of questions.entries()) {
    await turns(i, async (snap, m) => {
      sentences = 0;
      let t = performance.now();
      await findPassages(snap, await embedQ(q), q, {}, embedSentences);
      m.repeat.push(performance.now() - t);
      t = performance.now();
      await findPassages(snap, qv.get(q)!, q, {}, embedSentences);
      m.retrieval.push(performance.now() - t);
      uncached += sentences;
    });
  }
  if (uncached) console.error(`note: ${uncached} sentences were embedded again on the second pass (cache evicted?)`);
  return series.map((m) => {
    for (const xs of Object.values(m)) xs.sort((a, b) => a - b);
    const p = (xs: number[], k: number) => percentile(xs, k);
    return {
      'ask p50 ms': p(m.first, 50),
      'ask p95 ms': p(m.first, 95),
      'of which question ms': p(m.question, 50),
      'sentences ms': p(m.sentence, 50),
      'sentences embedded': p(m.count, 50),
      'repeat p50 ms': p(m.repeat, 50),
      'repeat p95 ms': p(m.repeat, 95),
      'retrieval p50 ms': p(m.retrieval, 50),
      'retrieval p95 ms': p(m.retrieval, 95),
      'ceiling p50 ms': p(m.ceiling, 50),
      'scan p50 ms': p(m.scan, 50),
      'ask ratio': p(m.first, 50) / p(m.ceiling, 50),
      'repeat ratio': p(m.repeat, 50) / p(m.ceiling, 50),
    };
  });
}

const latency: Record<string, string | number>[] = [];
const costs: Record<string, string | number>[] = [];
let realEmbedding: Record<string, number> | null = null;
for (const n of sizes) {
  const { articles, chunks } = corpusOf(base, baseChunks, n);
  const kinds: ['random' | 'real', Float32Array][] = [['random', randomUnitVectors(chunks.length)]];
  if (n === realSize) {
    const byId = new Map(articles.map((a) => [a.id, a]));
    const r = await embedResumable(embedder, chunks.map((c) => chunkText(byId.get(c.articleId)!, c)), 'reuters');
    realEmbedding = { chunks: chunks.length, embeddedNow: r.embedded, seconds: r.totalMs / 1000, chunksPerSecond: chunks.length / (r.totalMs / 1000) };
    console.error(`real vectors: ${chunks.length} chunks, embedding took ${(r.totalMs / 60_000).toFixed(1)} min in all (${realEmbedding.chunksPerSecond!.toFixed(1)} chunks/s)${r.reused ? `, ${r.reused} rows from .cache/vectors` : ''}`);
    kinds.push(['real', r.vectors]);
  }
  const built = [];
  for (const [kind, vectors] of kinds) {
    const { snap, cost } = await indexOf(articles, chunks, vectors);
    built.push(snap);
    costs.push({ vectors: kind, chunks: chunks.length, articles: articles.length, ...cost });
  }
  (await measure(built)).forEach((m, i) => latency.push({ vectors: kinds[i]![0], chunks: chunks.length, ...m }));
}
const meta = { embedder: embedder.id, queries: nQueries, realEmbedding };
report('query', `Query latency (Reuters-21578, ${nQueries} distinct questions, embedder ${embedder.id}; ms; random and real vectors of one size measured in turns)`, latency, meta);
report('query-index', 'Index cost', costs, meta);
