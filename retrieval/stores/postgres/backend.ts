import pg from 'pg';
import type { Embedder } from '../../../embeddings/embedder.ts';
import { UserError } from '../../errors.ts';
import { embedChunks, planIngest, type IngestReport, type Progress } from '../../ingest.ts';
import type { EngineSettings } from '../../settings.ts';
import { sourceText, type Article, type Chunk } from '../../types.ts';
import { terms } from '../../text.ts';
import type { BackendIngestOptions, IndexBackend } from '../backend.ts';
import { IndexBusyError } from '../embedded/store.ts';
import type { SearchIndex } from '../search-index.ts';
import { PgIndex, vectorLiteral, type PgVersion } from './pg-index.ts';
import { ARTICLES, CHUNKS, chunksDdl, ensureSchema, HNSW_EF_SEARCH, hnswDdl, META, TERMS } from './schema.ts';

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

// Rows per INSERT: large enough to cut round trips, small enough to keep each statement's parameters modest.
const WRITE_BATCH = 500;

/** The URL without its password, for messages. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return 'DATABASE_URL';
  }
}

/** One ingest's writes: see PostgresBackend.write. */
export interface PgWrite {
  /** The whole corpus, in order. */
  articles: Article[];
  hashes: Record<string, string>;
  /** Articles to insert (new or changed). */
  written: Article[];
  /** Ids deleted first (changed and removed articles). */
  replaced: string[];
  /** Chunks of the written articles, and their vectors (row i: chunk i). */
  fresh: Chunk[];
  vectors: Float32Array;
  /** Drop everything first and re-make the chunk tables at this model's dimension. */
  clean: boolean;
  /** The generation the ingest was planned against; 'any' for a rebuild. */
  expectedGeneration: number | 'any';
  model: { id: string; dim: number };
  corpusDir: string;
  onProgress?: Progress;
}

type MetaRow = { generation: string; model_id: string | null; dim: number | null; corpus_dir: string | null; chunk_count: number; total_length: string };

/**
 * The index in Postgres with pgvector (DATABASE_URL). An ingest embeds what changed outside any
 * transaction, then writes everything in one transaction that also moves the generation on: a crash
 * or kill at any point leaves the previous complete corpus, and readers in other processes see either
 * the old or the new one (MVCC), never a mix. Writers are serialised by the generation row.
 */
export class PostgresBackend implements IndexBackend {
  readonly kind = 'postgres';
  readonly annReady = Promise.resolve();

  private constructor(
    private readonly pool: pg.Pool,
    private readonly settings: EngineSettings,
    private readonly log: Log,
  ) {}

  static async connect(settings: EngineSettings, log: Log): Promise<PostgresBackend> {
    const { url, poolSize } = settings.database!;
    // allowExitOnIdle: a one-shot CLI command exits when it is done, without closing the pool by hand.
    const pool = new pg.Pool({
      connectionString: url,
      max: poolSize,
      allowExitOnIdle: true,
      connectionTimeoutMillis: 60_000,
      // Search breadth above the 50 candidates asked for; iterative scans keep filtered searches from coming back short.
      onConnect: async (client: pg.ClientBase) => {
        await client.query(`SET hnsw.ef_search = ${HNSW_EF_SEARCH}; SET hnsw.iterative_scan = relaxed_order`);
      },
    });
    // An idle connection dropped by the server is replaced by the pool; it must not crash the process.
    pool.on('error', (e) => log('warn', `Database connection lost (${e.message}); reconnecting on the next query.`));
    let client: pg.PoolClient;
    try {
      client = await pool.connect();
    } catch (e) {
      await pool.end().catch(() => {});
      throw new UserError(`Cannot connect to the database at ${redactUrl(url)} (${(e as Error).message}). Check DATABASE_URL, or leave it empty for the embedded index.`);
    }
    try {
      await ensureSchema(client);
    } catch (e) {
      client.release();
      await pool.end().catch(() => {});
      throw e;
    }
    client.release();
    return new PostgresBackend(pool, settings, log);
  }

  private async version(): Promise<PgVersion | null> {
    const { rows } = await this.pool.query<MetaRow>(`SELECT generation, model_id, dim, corpus_dir, chunk_count, total_length FROM ${META}`);
    const m = rows[0];
    if (!m || Number(m.generation) === 0 || !m.model_id || !m.dim) return null;
    return { generation: Number(m.generation), modelId: m.model_id, dim: m.dim, corpusDir: m.corpus_dir, chunkCount: m.chunk_count, totalLength: Number(m.total_length) };
  }

  open(): Promise<PgIndex | null> {
    return this.load();
  }

  /** Articles and chunk offsets of the current generation, read in one snapshot so they match each other and the generation. */
  private async load(): Promise<PgIndex | null> {
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const { rows } = await client.query<MetaRow>(`SELECT generation, model_id, dim, corpus_dir, chunk_count, total_length FROM ${META}`);
      const m = rows[0];
      if (!m || Number(m.generation) === 0 || !m.model_id || !m.dim) return null;
      const version: PgVersion = { generation: Number(m.generation), modelId: m.model_id, dim: m.dim, corpusDir: m.corpus_dir, chunkCount: m.chunk_count, totalLength: Number(m.total_length) };
      const a = await client.query(`SELECT id, hash, title, author, source, date, url, standfirst, body, paragraphs, notes, file FROM ${ARTICLES} ORDER BY position`);
      const hashes: Record<string, string> = {};
      const articles: Article[] = a.rows.map((r) => {
        hashes[r.id] = r.hash;
        return { id: r.id, title: r.title, author: r.author, source: r.source, date: r.date, url: r.url, standfirst: r.standfirst, text: r.body, paragraphs: r.paragraphs, notes: r.notes, file: r.file };
      });
      const c = await client.query(`SELECT c.id, c.article_id, c.paragraph, c.section, c.start_at, c.end_at, c.note FROM ${CHUNKS} c JOIN ${ARTICLES} a ON a.id = c.article_id ORDER BY a.position, c.seq`);
      const chunks: Chunk[] = c.rows.map((r) => {
        const chunk: Chunk = { id: r.id, articleId: r.article_id, paragraph: r.paragraph, section: r.section, start: r.start_at, end: r.end_at };
        if (r.note !== null) chunk.note = r.note;
        return chunk;
      });
      return new PgIndex(this.pool, version, articles, chunks, hashes);
    } finally {
      await client.query('COMMIT').catch(() => {});
      client.release();
    }
  }

  async refresh(current: SearchIndex | null): Promise<SearchIndex | null> {
    const v = await this.version();
    if (!v) return null;
    if (current instanceof PgIndex && current.version.generation === v.generation) return current;
    return this.load();
  }

  async sourceToRebuild(current: SearchIndex | null): Promise<string> {
    if (current) return current.corpusDir ?? this.settings.corpusDir;
    this.log('info', `No index in the database yet; building it from ${this.settings.corpusDir}…`);
    return this.settings.corpusDir;
  }

  async ingest(corpusDir: string, embedder: Embedder, current: SearchIndex | null, opts: BackendIngestOptions): Promise<{ report: IngestReport; index: PgIndex | null }> {
    const base = !opts.rebuild && current instanceof PgIndex ? current : null;
    const prev = base && { model: { id: base.version.modelId, dim: base.version.dim }, hashes: base.hashes, corpusDir: base.version.corpusDir ?? undefined };
    const plan = await planIngest(corpusDir, embedder, prev, { onProgress: opts.onProgress, signal: opts.signal, maxFileBytes: this.settings.maxFileBytes });
    const { report } = plan;
    for (const w of report.warnings) this.log('warn', `${w.file}: ${w.message}`);
    if (!plan.corpus.articles.length) throw new UserError(`No articles found in ${corpusDir}. Put .txt, .md, .html, .json or .jsonl files there.`);
    const keptChunks = new Map<string, number>();
    base?.chunks.forEach((c) => keptChunks.set(c.articleId, (keptChunks.get(c.articleId) ?? 0) + 1));
    report.chunks = plan.articles.reduce((n, p) => n + (p.fresh ? p.fresh.length : (keptChunks.get(p.article.id) ?? 0)), 0);
    const fresh = plan.articles.flatMap((p) => p.fresh ?? []);
    if (!report.changed) return { report, index: null };

    const byId = new Map(plan.corpus.articles.map((a) => [a.id, a]));
    const vectors = await embedChunks(fresh, byId, embedder, report, { onProgress: opts.onProgress, signal: opts.signal });
    opts.signal?.throwIfAborted();
    await this.write({
      articles: plan.corpus.articles,
      hashes: plan.hashes,
      written: plan.articles.filter((p) => p.fresh).map((p) => p.article),
      replaced: [...report.updated, ...report.removed],
      fresh,
      vectors,
      clean: !base || report.modelChanged,
      // What this ingest was planned against: the version it read, no index at all, or (a rebuild) whatever is there.
      expectedGeneration: base ? base.version.generation : opts.rebuild ? 'any' : 0,
      model: { id: embedder.id, dim: embedder.dim },
      corpusDir,
      onProgress: opts.onProgress,
    });
    report.changed = true;
    return { report, index: await this.load() };
  }

  /**
   * Writes the next version in one transaction: deletes the replaced articles (their chunks and
   * postings cascade), inserts the new and changed ones, moves the generation on. Nothing of it is
   * visible to readers before COMMIT, and a crash before it leaves the previous version whole.
   */
  async write(w: PgWrite): Promise<void> {
    const { dim } = w.model;
    const byId = new Map(w.articles.map((a) => [a.id, a]));
    // Each chunk's place within its article: chunks are loaded back in article order, then this.
    const perArticle = new Map<string, number>();
    const seqs = w.fresh.map((c) => {
      const n = perArticle.get(c.articleId) ?? 0;
      perArticle.set(c.articleId, n + 1);
      return n;
    });
    const client = await this.pool.connect();
    try {
      await client.query('BEGIN');
      // The generation row is the writers' lock: a second ingest waits here, then finds the generation moved on.
      const { rows } = await client.query<{ generation: string }>(`SELECT generation FROM ${META} FOR UPDATE`);
      const generation = Number(rows[0]!.generation);
      if (w.expectedGeneration !== 'any' && generation !== w.expectedGeneration) {
        throw new IndexBusyError('Another process re-indexed the database while this ingest was embedding; nothing was written. Run the ingest again: only what still differs is embedded.');
      }
      if (w.clean) {
        // The chunk tables first (dropped whole), so the articles' delete has nothing to cascade to.
        const [drop, ...create] = chunksDdl(dim);
        await client.query(drop!);
        await client.query(`DELETE FROM ${ARTICLES}`);
        for (const ddl of create) await client.query(ddl);
      } else {
        await client.query(`DELETE FROM ${ARTICLES} WHERE id = ANY($1::text[])`, [w.replaced]);
      }
      const position = new Map(w.articles.map((a, i) => [a.id, i]));
      for (let i = 0; i < w.written.length; i += WRITE_BATCH) await insertArticles(client, w.written.slice(i, i + WRITE_BATCH), w.hashes, position);
      if (!w.clean) {
        const written = new Set(w.written.map((a) => a.id));
        const kept = w.articles.filter((a) => !written.has(a.id)).map((a) => a.id);
        await client.query(`UPDATE ${ARTICLES} a SET position = v.position FROM unnest($1::text[], $2::int[]) AS v(id, position) WHERE a.id = v.id AND a.position <> v.position`, [kept, kept.map((id) => position.get(id)!)]);
      }
      for (let i = 0; i < w.fresh.length; i += WRITE_BATCH) {
        const batch = w.fresh.slice(i, i + WRITE_BATCH);
        await insertChunks(client, batch, byId, seqs.slice(i, i + batch.length), (k) => w.vectors.subarray((i + k) * dim, (i + k + 1) * dim));
        w.onProgress?.(i + batch.length, w.fresh.length, 'writing');
      }
      if (w.clean) await client.query(hnswDdl);
      await client.query(
        `UPDATE ${META} SET generation = generation + 1, model_id = $1, dim = $2, corpus_dir = $3, built_at = now(),
           chunk_count = (SELECT count(*) FROM ${CHUNKS}), total_length = (SELECT coalesce(sum(length), 0) FROM ${CHUNKS})`,
        [w.model.id, dim, w.corpusDir],
      );
      await client.query('COMMIT');
    } catch (e) {
      await client.query('ROLLBACK').catch(() => {});
      throw e;
    } finally {
      client.release();
    }
  }

  settle(): Promise<void> {
    return Promise.resolve();
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

async function insertArticles(client: pg.PoolClient, articles: Article[], hashes: Record<string, string>, position: Map<string, number>): Promise<void> {
  const col = <T>(f: (a: Article) => T) => articles.map(f);
  await client.query(
    `INSERT INTO ${ARTICLES} (id, position, hash, title, author, source, date, url, standfirst, body, paragraphs, notes, file)
     SELECT id, position, hash, title, author, source, date, url, standfirst, body, paragraphs::jsonb, notes::jsonb, file
     FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[], $11::text[], $12::text[], $13::text[])
       AS t(id, position, hash, title, author, source, date, url, standfirst, body, paragraphs, notes, file)`,
    [
      col((a) => a.id),
      col((a) => position.get(a.id)!),
      col((a) => hashes[a.id]!),
      col((a) => a.title),
      col((a) => a.author),
      col((a) => a.source),
      col((a) => a.date),
      col((a) => a.url),
      col((a) => a.standfirst),
      col((a) => a.text),
      col((a) => JSON.stringify(a.paragraphs)),
      col((a) => JSON.stringify(a.notes)),
      col((a) => a.file),
    ],
  );
}

/** Chunks with their vectors, and their BM25 postings: the terms of title and chunk text, as the embedded store counts them. */
async function insertChunks(client: pg.PoolClient, chunks: Chunk[], byId: Map<string, Article>, seqs: number[], vectorOf: (k: number) => Float32Array): Promise<void> {
  const lengths: number[] = [];
  const posting = { term: [] as string[], chunk: [] as string[], tf: [] as number[] };
  chunks.forEach((c) => {
    const a = byId.get(c.articleId)!;
    const ts = terms(`${a.title} ${sourceText(a, c).slice(c.start, c.end)}`);
    lengths.push(ts.length);
    const counts = new Map<string, number>();
    for (const t of ts) counts.set(t, (counts.get(t) ?? 0) + 1);
    for (const [t, n] of counts) posting.term.push(t), posting.chunk.push(c.id), posting.tf.push(Math.min(n, 65535));
  });
  await client.query(
    `INSERT INTO ${CHUNKS} (id, article_id, seq, paragraph, section, start_at, end_at, note, length, embedding)
     SELECT id, article_id, seq, paragraph, section, start_at, end_at, note, length, embedding::vector
     FROM unnest($1::text[], $2::text[], $3::int[], $4::int[], $5::text[], $6::int[], $7::int[], $8::int[], $9::int[], $10::text[])
       AS t(id, article_id, seq, paragraph, section, start_at, end_at, note, length, embedding)`,
    [
      chunks.map((c) => c.id),
      chunks.map((c) => c.articleId),
      seqs,
      chunks.map((c) => c.paragraph),
      chunks.map((c) => c.section),
      chunks.map((c) => c.start),
      chunks.map((c) => c.end),
      chunks.map((c) => c.note ?? null),
      lengths,
      chunks.map((_, k) => vectorLiteral(vectorOf(k))),
    ],
  );
  await client.query(`INSERT INTO ${TERMS} (term, chunk_id, tf) SELECT * FROM unnest($1::text[], $2::text[], $3::int[])`, [posting.term, posting.chunk, posting.tf]);
}
