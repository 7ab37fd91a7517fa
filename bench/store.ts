/**
 * The Postgres store beside the embedded store, measured in the same run, question by question in
 * turns (both see the same machine load). The Postgres here is PGlite — Postgres 18 with pgvector
 * compiled to WebAssembly, single-threaded, in this process, reached over its wire protocol by `pg`:
 * these are PGlite/WASM figures, not a production Postgres's.
 *  1. at --chunks (20k) chunks of Reuters-21578 news, vectors given (the embedding is the same work
 *     for both stores and is left out): the write of an ingest — embedded: BM25 build, the index
 *     files and the HNSW graph; Postgres: one transaction of articles, chunks with vectors (HNSW
 *     maintained) and BM25 postings; then per question the hybrid retrieval (dense top-50 and BM25
 *     top-50, fused) and the whole answer (quote choice, sentences not embedded), p50/p95, ratios
 *     Postgres / embedded. Vectors are seeded random unit vectors (labelled): the real-vector cache
 *     (bench/vector-cache.ts) takes ~18 minutes to fill; timings do not depend on what the vectors mean.
 *  2. the lexical side on SQuAD v1.1 dev paragraphs: recall@1 and @5 of the question's paragraph
 *     by the embedded BM25, the Postgres BM25 table (the store's), and Postgres full-text search
 *     (tsvector, ts_rank and ts_rank_cd over the same title + chunk text, OR of the question's words).
 * Usage: npm run bench:store [-- --chunks 20000] [--queries 100] [--squad 1000 (0: skip part 2)]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';
import pg from 'pg';
import { normalize } from '../embeddings/embedder.ts';
import { findPassages } from '../retrieval/answer.ts';
import { chunkArticle } from '../retrieval/chunker.ts';
import { AnnIndex } from '../retrieval/stores/embedded/ann.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { saveIndex, STORE_VERSION } from '../retrieval/stores/embedded/store.ts';
import { PostgresBackend } from '../retrieval/stores/postgres/backend.ts';
import type { PgIndex } from '../retrieval/stores/postgres/pg-index.ts';
import type { SearchIndex } from '../retrieval/stores/search-index.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { terms } from '../retrieval/text.ts';
import type { Article, Chunk } from '../retrieval/types.ts';
import { loadBenchEmbedder } from './embedders.ts';
import { chunksOf, corpusOf, newsArticles } from './news.ts';
import { percentile, report, timed } from './report.ts';
import { loadSquad } from './shared-data.ts';

const { values: args } = parseArgs({ options: { chunks: { type: 'string', default: '20000' }, queries: { type: 'string', default: '100' }, squad: { type: 'string', default: '1000' } } });
const tokenizer = await loadBenchEmbedder('minilm');
const dim = tokenizer.dim;
const MODEL = { id: 'bench/seeded-random-unit-vectors', dim };

/** A seeded unit vector per text: same text, same vector. */
function randomVector(text: string): Float32Array {
  let s = 2166136261;
  for (let i = 0; i < text.length; i++) s = Math.imul(s ^ text.charCodeAt(i), 16777619) >>> 0;
  const v = new Float32Array(dim);
  for (let j = 0; j < dim; j++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    v[j] = s / 2 ** 32 - 0.5;
  }
  return normalize(v);
}

const vectorsOf = (articles: Article[], chunks: Chunk[]) => {
  const byId = new Map(articles.map((a) => [a.id, a]));
  const out = new Float32Array(chunks.length * dim);
  chunks.forEach((c, i) => out.set(randomVector(`${c.id} ${byId.get(c.articleId)!.text.slice(c.start, c.end)}`), i * dim));
  return out;
};

console.log('Starting PGlite (Postgres 18 + pgvector, WASM) on a local socket…');
const db = await PGlite.create({ extensions: { vector } });
const server = new PGLiteSocketServer({ db, port: 0, host: '127.0.0.1', maxConnections: 4 });
await server.start();
const url = `postgres://postgres@${server.getServerConn()}/postgres`;
const settings = { ...settingsFromEnv({}), database: { url, poolSize: 1 } };

/** A store of each kind over the same articles, chunks and vectors; how long each took to write. */
async function build(articles: Article[], chunks: Chunk[], vectors: Float32Array, withGraph: boolean) {
  const dir = mkdtempSync(join(tmpdir(), 'bench-store-'));
  const manifest = { version: STORE_VERSION, model: MODEL, chunkCount: chunks.length, hashes: Object.fromEntries(articles.map((a) => [a.id, a.id])), builtAt: '' };
  const [snap, embeddedMs] = await timed(async () => {
    const s = new Snapshot({ manifest, articles, chunks, vectors });
    await saveIndex(join(dir, 'index'), { ...s.data, bm25: s.bm25.data });
    if (withGraph) s.ann = await AnnIndex.build(vectors, dim, join(dir, 'graph.usearch'));
    return s;
  });
  const backend = await PostgresBackend.connect(settings, () => {});
  const [pgIndex, postgresMs] = await timed(async () => {
    await backend.write({ articles, hashes: manifest.hashes, written: articles, replaced: [], fresh: chunks, vectors, clean: true, expectedGeneration: 'any', model: MODEL, corpusDir: dir });
    return (await backend.open())!;
  });
  return { snap, pgIndex, embeddedMs, postgresMs, backend, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

const rows: Record<string, string | number>[] = [];
const row = (what: string, embedded: number, postgres: number, unit: string) => rows.push({ what, embedded: Number(embedded.toFixed(2)), 'postgres (PGlite/WASM)': Number(postgres.toFixed(2)), unit, ratio: Number((postgres / embedded).toFixed(2)) });

// 1. Ingest write and query at --chunks.
{
  const size = Number(args.chunks);
  const base = newsArticles('reuters21578.jsonl');
  const { articles, chunks } = corpusOf(base, chunksOf(base, tokenizer), size);
  const vectors = vectorsOf(articles, chunks);
  console.log(`Writing ${chunks.length} chunks of ${articles.length} articles to each store…`);
  const s = await build(articles, chunks, vectors, chunks.length >= settings.annMinChunks);
  row(`ingest write, ${chunks.length} chunks (vectors given)`, s.embeddedMs / 1000, s.postgresMs / 1000, 's');

  const n = Number(args.queries);
  const questions = Array.from({ length: n }, (_, i) => base[Math.floor((i / n) * Math.min(base.length, articles.length))]!.title.toLowerCase());
  const stores: [string, SearchIndex][] = [['embedded', s.snap], ['postgres', s.pgIndex]];
  for (const [, st] of stores) await findPassages(st, randomVector(questions[0]!), questions[0]!, {}, null);
  const parts = { dense: 'dense top-50 alone', bm25: 'BM25 top-50 alone', retrieval: 'hybrid retrieval (dense 50 + BM25 50, fused)', answer: 'whole answer, sentences not embedded' } as const;
  const t: Record<string, number[]> = {};
  const add = (k: string, ms: number) => (t[k] ??= []).push(ms);
  for (const q of questions) {
    const v = randomVector(q);
    for (const [name, st] of stores) {
      add(`${name}:dense`, (await timed(() => st.hybrid(v, terms(q), 30, {}, 'dense')))[1]);
      add(`${name}:bm25`, (await timed(() => st.hybrid(v, terms(q), 30, {}, 'bm25')))[1]);
      add(`${name}:retrieval`, (await timed(() => st.hybrid(v, terms(q), 30, {})))[1]);
      add(`${name}:answer`, (await timed(() => findPassages(st, v, q, {}, null)))[1]);
    }
  }
  for (const k of Object.values(t)) k.sort((a, b) => a - b);
  for (const [what, label] of Object.entries(parts)) {
    for (const p of [50, 95]) row(`${label} p${p}`, percentile(t[`embedded:${what}`]!, p), percentile(t[`postgres:${what}`]!, p), 'ms');
  }
  await s.backend.close();
  s.dispose();
}

// 2. Lexical ranking on SQuAD.
const lexical: Record<string, string | number>[] = [];
if (Number(args.squad) > 0) {
  const paragraphs = loadSquad();
  const articles: Article[] = paragraphs.map((p, i) => ({
    id: `p${i}`, title: p.title.replaceAll('_', ' '), author: null, source: null, date: null, url: null, standfirst: null,
    text: p.context, paragraphs: [{ start: 0, end: p.context.length, section: null }], notes: [], file: 'squad',
  }));
  const chunks = articles.flatMap((a) => chunkArticle(a, tokenizer));
  console.log(`SQuAD: ${chunks.length} chunks of ${articles.length} paragraphs…`);
  const s = await build(articles, chunks, vectorsOf(articles, chunks), false);
  const all = paragraphs.flatMap((p, i) => p.questions.map((q) => ({ q, para: `p${i}` })));
  const step = Math.max(1, Math.floor(all.length / Number(args.squad)));
  const sample = all.filter((_, i) => i % step === 0);

  // Full-text search as Postgres ships it, over the same text the BM25 side indexes (title + chunk).
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  await c.query('ALTER TABLE newsbot_chunks ADD COLUMN tsv tsvector');
  await c.query(`UPDATE newsbot_chunks c SET tsv = to_tsvector('english', a.title || ' ' || substr(a.body, c.start_at + 1, c.end_at - c.start_at)) FROM newsbot_articles a WHERE a.id = c.article_id`);
  await c.query('CREATE INDEX ON newsbot_chunks USING gin (tsv)');
  const tsvRank = async (q: string, fn: 'ts_rank' | 'ts_rank_cd') => {
    const words = [...new Set(q.toLowerCase().match(/[a-z0-9]+/g) ?? [])];
    if (!words.length) return [];
    const r = await c.query<{ article_id: string }>(
      `SELECT c.article_id FROM newsbot_chunks c, to_tsquery('english', $1) q WHERE c.tsv @@ q ORDER BY ${fn}(c.tsv, q) DESC, c.id LIMIT 50`,
      [words.join(' | ')],
    );
    return r.rows.map((x) => x.article_id);
  };
  const ways: [string, (q: string) => Promise<string[]>][] = [
    ['embedded BM25', async (q) => (await s.snap.hybrid(randomVector(q), terms(q), 50, {}, 'bm25')).map((h) => s.snap.chunks[h.row]!.articleId)],
    ['Postgres BM25 table (the store)', async (q) => (await s.pgIndex.hybrid(randomVector(q), terms(q), 50, {}, 'bm25')).map((h) => (s.pgIndex as PgIndex).chunks[h.row]!.articleId)],
    ['Postgres tsvector ts_rank', (q) => tsvRank(q, 'ts_rank')],
    ['Postgres tsvector ts_rank_cd', (q) => tsvRank(q, 'ts_rank_cd')],
  ];
  for (const [name, rank] of ways) {
    let r1 = 0;
    let r5 = 0;
    for (const { q, para } of sample) {
      const ranked = [...new Set(await rank(q))];
      const at = ranked.indexOf(para) + 1;
      if (at === 1) r1++;
      if (at >= 1 && at <= 5) r5++;
    }
    lexical.push({ lexical: name, questions: sample.length, 'recall@1': Number((r1 / sample.length).toFixed(3)), 'recall@5': Number((r5 / sample.length).toFixed(3)) });
  }
  await c.end();
  await s.backend.close();
  s.dispose();
}

report('store', 'Postgres store (PGlite: Postgres 18 + pgvector in WASM, in process — not a production Postgres figure) beside the embedded store, same run; seeded random vectors', rows, { chunks: Number(args.chunks), queries: Number(args.queries), vectors: 'seeded random unit vectors', postgres: 'PGlite 0.5.14 / pgvector 0.8 (WASM)' });
if (lexical.length) report('store-lexical', 'Lexical ranking on SQuAD v1.1 dev: recall of the question’s paragraph', lexical);
await server.stop();
await db.close();
