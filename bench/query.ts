/**
 * Query latency and index cost at about 2k, 20k and 100k chunks of Reuters-21578 (repeated with
 * distinct ids past its ~20k chunks): p50/p95 of a full ask (embed the question, hybrid search,
 * quote selection) beside the ceiling (embed the question + a plain Float32Array brute-force scan of
 * the same vectors); on-disk size, save time, cold load time and RSS of the index.
 * Vectors are seeded random unit vectors: embedding 100k chunks with USE-lite would take hours on
 * 2 cores, and neither the scan nor the fusion cost depends on what the vectors mean. Questions and
 * their embeddings are real.
 * Usage: npm run bench:query [-- --sizes 2000,20000,100000] [-- --queries 200]
 */
import { mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { normalize } from '../embeddings/embedder.ts';
import { loadUseLite } from '../embeddings/use-lite.ts';
import { findPassages } from '../retrieval/answer.ts';
import { articleHash, buildArticle } from '../retrieval/article.ts';
import { chunkArticle } from '../retrieval/chunker.ts';
import { recordToDraft } from '../retrieval/parse-formats.ts';
import { Snapshot } from '../retrieval/snapshot.ts';
import { loadIndex, saveIndex, STORE_VERSION, type StoredIndex } from '../retrieval/store.ts';
import type { Article, Chunk } from '../retrieval/types.ts';
import { percentile, report, rssMiB, timed } from './report.ts';
import { loadJsonl } from './shared-data.ts';

const { values: args } = parseArgs({ options: { sizes: { type: 'string', default: '2000,20000,100000' }, queries: { type: 'string', default: '200' } } });
const sizes = args.sizes!.split(',').map(Number);
const embedder = await loadUseLite();
const dim = embedder.dim;

const base: Article[] = loadJsonl('reuters21578.jsonl').flatMap((r) => {
  try {
    const a = buildArticle(recordToDraft(r), 'reuters.jsonl', 'reuters');
    return a ? [{ ...a, id: r.id }] : [];
  } catch {
    return [];
  }
});
const [baseChunks, chunkMs] = await timed(() => base.map((a) => chunkArticle(a, embedder)));
const perCopy = baseChunks.reduce((n, c) => n + c.length, 0);
console.error(`Reuters: ${base.length} articles, ${perCopy} chunks (chunked in ${(chunkMs / 1000).toFixed(1)} s)`);

/** The first articles (repeating the corpus with distinct ids) until `n` chunks. */
function corpusOf(n: number): { articles: Article[]; chunks: Chunk[] } {
  const articles: Article[] = [];
  const chunks: Chunk[] = [];
  for (let copy = 0; chunks.length < n; copy++) {
    for (let i = 0; i < base.length && chunks.length < n; i++) {
      const id = copy ? `${base[i]!.id}~${copy}` : base[i]!.id;
      articles.push({ ...base[i]!, id });
      for (const c of baseChunks[i]!) chunks.push({ ...c, id: `${id}#${c.id.split('#')[1]}`, articleId: id });
    }
  }
  return { articles, chunks };
}

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

/** The ceiling: the best row by a plain dot-product scan. */
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

// Questions: titles of articles spread across the corpus, as a reader would type them.
const nQueries = Number(args.queries);
const questions = Array.from({ length: nQueries }, (_, i) => base[Math.floor((i * base.length) / nQueries)]!.title.toLowerCase());

const rows: Record<string, number>[] = [];
for (const n of sizes) {
  const { articles, chunks } = corpusOf(n);
  const data: StoredIndex = {
    manifest: { version: STORE_VERSION, model: { id: embedder.id, dim }, chunkCount: chunks.length, hashes: Object.fromEntries(articles.map((a) => [a.id, articleHash(a)])), builtAt: '' },
    articles,
    chunks,
    vectors: randomUnitVectors(chunks.length),
  };
  const dir = mkdtempSync(join(tmpdir(), 'bench-query-'));
  // As Engine.ingest does: build the search structures once, save them with the index.
  const [built, buildMs] = await timed(() => new Snapshot(data));
  const [, saveMs] = await timed(() => saveIndex(dir, { ...data, bm25: built.bm25.data }));
  const bytes = dirSize(dir);
  const rssBefore = rssMiB();
  const [stored, readMs] = await timed(() => loadIndex(dir));
  const [snap, searchMs] = await timed(() => new Snapshot(stored!));
  const loadMs = readMs + searchMs;
  const loadRss = rssMiB();

  for (const q of questions.slice(0, 5)) findPassages(snap, (await embedder.embed([q]))[0]!, q); // warm-up
  const askMs: number[] = [];
  const ceilMs: number[] = [];
  for (const q of questions) {
    let t = performance.now();
    findPassages(snap, (await embedder.embed([q]))[0]!, q);
    askMs.push(performance.now() - t);
    t = performance.now();
    bruteForce(snap.data.vectors, (await embedder.embed([q]))[0]!);
    ceilMs.push(performance.now() - t);
  }
  askMs.sort((a, b) => a - b);
  ceilMs.sort((a, b) => a - b);
  rows.push({
    chunks: chunks.length,
    articles: articles.length,
    'ask p50 ms': percentile(askMs, 50),
    'ask p95 ms': percentile(askMs, 95),
    'ceiling p50 ms': percentile(ceilMs, 50),
    'ceiling p95 ms': percentile(ceilMs, 95),
    'p50 ratio': percentile(askMs, 50) / percentile(ceilMs, 50),
    'disk MiB': bytes / 2 ** 20,
    'build s': buildMs / 1000,
    'save s': saveMs / 1000,
    'cold load s': loadMs / 1000,
    'of which read s': readMs / 1000,
    'RSS after load MiB': loadRss,
    'load +RSS MiB': loadRss - rssBefore,
  });
  rmSync(dir, { recursive: true, force: true });
}
report('query', `Query latency and index cost (Reuters-21578, ${nQueries} questions, embedder ${embedder.id})`, rows, { embedder: embedder.id, queries: nQueries });
