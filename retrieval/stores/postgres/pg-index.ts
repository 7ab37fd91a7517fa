import type pg from 'pg';
import { BM25_B, BM25_K1 } from '../../bm25.ts';
import { fuse, type Hit, type RetrievalMode } from '../../search.ts';
import type { Article, Chunk, Filters } from '../../types.ts';
import { bioRowsOf, type Scope, type SearchIndex, type TermStats } from '../search-index.ts';
import { ARTICLES, CHUNKS, TERMS } from './schema.ts';

/** pgvector's text form of a vector. */
export const vectorLiteral = (v: Float32Array | number[]) => `[${Array.from(v).join(',')}]`;

export interface PgVersion {
  generation: number;
  modelId: string;
  dim: number;
  corpusDir: string | null;
  chunkCount: number;
  totalLength: number;
}

/**
 * One generation of the Postgres index. Articles and chunk offsets are held in memory (quotes are cut
 * from the article text, titles autocomplete without a round trip); vectors, the HNSW graph and the
 * BM25 postings stay in the database and every search runs there.
 */
export class PgIndex implements SearchIndex {
  readonly byId: Map<string, Article>;
  readonly chunkArticle: Article[];
  readonly bioRows: Map<string, number[]>;
  readonly sentenceVectors = new Map<string, Float32Array>();
  private readonly rowOf: Map<string, number>;

  constructor(
    private readonly pool: pg.Pool,
    readonly version: PgVersion,
    readonly articles: Article[],
    readonly chunks: Chunk[],
    /** Content hash of each article, for the next incremental ingest. */
    readonly hashes: Record<string, string>,
  ) {
    this.byId = new Map(articles.map((a) => [a.id, a]));
    this.chunkArticle = chunks.map((c) => this.byId.get(c.articleId)!);
    this.bioRows = bioRowsOf(chunks, this.chunkArticle);
    this.rowOf = new Map(chunks.map((c, i) => [c.id, i]));
  }

  get modelId(): string {
    return this.version.modelId;
  }

  get generation(): string {
    return `postgres generation ${this.version.generation}`;
  }

  get corpusDir(): string | null {
    return this.version.corpusDir;
  }

  async termStats(terms: string[]): Promise<TermStats> {
    const { rows } = await this.pool.query<{ term: string; df: string }>(`SELECT term, count(*) AS df FROM ${TERMS} WHERE term = ANY($1::text[]) GROUP BY term`, [[...new Set(terms)]]);
    const df = new Map(rows.map((r) => [r.term, Number(r.df)]));
    const size = this.version.chunkCount;
    return {
      size,
      // The embedded store's formula (bm25.ts): 0 for a term no chunk has.
      idf: (t) => {
        const n = df.get(t);
        return n === undefined ? 0 : Math.log(1 + (size - n + 0.5) / (n + 0.5));
      },
    };
  }

  async hybrid(q: Float32Array, qTerms: string[], k: number, scope: Scope, mode: RetrievalMode = 'hybrid', bm25Weight?: number): Promise<Hit[]> {
    const depth = Math.max(k, 50);
    const where = this.scopeSql(scope);
    const qv = vectorLiteral(q);
    const [dense, lexical] = await Promise.all([
      mode === 'bm25' ? [] : this.dense(qv, depth, where),
      mode === 'dense' || !qTerms.length ? [] : this.lexical(qv, qTerms, depth, where),
    ]);
    return fuse(dense, lexical, () => 0, k, mode, bm25Weight);
  }

  async cosines(q: Float32Array, rows: number[]): Promise<number[]> {
    if (!rows.length) return [];
    const ids = rows.map((r) => this.chunks[r]!.id);
    const res = await this.pool.query<{ id: string; score: number }>(`SELECT id, -(embedding <#> $1::vector) AS score FROM ${CHUNKS} WHERE id = ANY($2::text[])`, [vectorLiteral(q), ids]);
    const by = new Map(res.rows.map((r) => [r.id, Number(r.score)]));
    return ids.map((id) => by.get(id) ?? 0);
  }

  /** Nearest chunks by the HNSW graph (iterative scan: a filter does not starve it), best first. */
  private async dense(qv: string, depth: number, where: ScopeSql): Promise<{ row: number; score: number }[]> {
    const res = await this.pool.query<{ id: string; score: number }>(
      `SELECT c.id, -(c.embedding <#> $1::vector) AS score FROM ${CHUNKS} c JOIN ${ARTICLES} a ON a.id = c.article_id
       WHERE ${where.sql(3)} ORDER BY c.embedding <#> $1::vector LIMIT $2`,
      [qv, depth, ...where.params],
    );
    return this.rows(res.rows).sort((x, y) => y.score - x.score);
  }

  /** Okapi BM25 over the postings table, the embedded store's formula and tie order (earlier chunk first). */
  private async lexical(qv: string, qTerms: string[], depth: number, where: ScopeSql): Promise<{ row: number; score: number; dense: number }[]> {
    const avg = this.version.totalLength / Math.max(1, this.version.chunkCount) || 1;
    const res = await this.pool.query<{ id: string; score: number; dense: number }>(
      `WITH q AS (SELECT DISTINCT unnest($1::text[]) AS term),
       df AS (SELECT t.term, count(*)::float8 AS n FROM ${TERMS} t JOIN q USING (term) GROUP BY t.term),
       s AS (
         SELECT t.chunk_id, sum(ln(1 + ($2::float8 - df.n + 0.5) / (df.n + 0.5)) * t.tf * ${BM25_K1 + 1} / (t.tf + ${BM25_K1} * (${1 - BM25_B} + ${BM25_B} * c.length / $3::float8))) AS score
         FROM ${TERMS} t JOIN df USING (term) JOIN ${CHUNKS} c ON c.id = t.chunk_id JOIN ${ARTICLES} a ON a.id = c.article_id
         WHERE ${where.sql(6)}
         GROUP BY t.chunk_id
       )
       SELECT s.chunk_id AS id, s.score, -(c.embedding <#> $4::vector) AS dense
       FROM s JOIN ${CHUNKS} c ON c.id = s.chunk_id JOIN ${ARTICLES} a ON a.id = c.article_id
       ORDER BY s.score DESC, a.position, c.seq LIMIT $5`,
      [qTerms, this.version.chunkCount, avg, qv, depth, ...where.params],
    );
    return this.rows(res.rows).map((r, i) => ({ ...r, dense: Number(res.rows[i]!.dense) }));
  }

  /** Database rows to chunk rows; a chunk this version does not know (a newer one committed meanwhile) is skipped. */
  private rows(rows: { id: string; score: number }[]): { row: number; score: number }[] {
    const out: { row: number; score: number }[] = [];
    for (const r of rows) {
      const row = this.rowOf.get(r.id);
      if (row !== undefined) out.push({ row, score: Number(r.score) });
    }
    return out;
  }

  /** The scope as a WHERE clause on `c` (chunks) and `a` (articles): the filters on the metadata columns, or a row mask as chunk ids. */
  private scopeSql(scope: Scope): ScopeSql {
    if (scope.allowed) {
      const ids = this.chunks.filter((_, i) => scope.allowed![i]).map((c) => c.id);
      return { sql: (n) => `c.id = ANY($${n}::text[])`, params: [ids] };
    }
    if (scope.allowed === null) return ALL;
    return filterSql(scope.filters ?? {});
  }
}

interface ScopeSql {
  /** The clause, its parameters numbered from `first`. */
  sql: (first: number) => string;
  params: unknown[];
}

const ALL: ScopeSql = { sql: () => 'true', params: [] };

/** The filters of `allowedRows` (search-index.ts) in SQL: case-insensitive substrings of author and source, inclusive ISO dates, article ids. */
export function filterSql(f: Filters): ScopeSql {
  const parts: ((n: number) => string)[] = [];
  const params: unknown[] = [];
  const author = f.author?.trim().toLowerCase();
  const source = f.source?.trim().toLowerCase();
  if (author) parts.push((n) => `strpos(lower(coalesce(a.author, '')), $${n}) > 0`), params.push(author);
  if (source) parts.push((n) => `strpos(lower(coalesce(a.source, '')), $${n}) > 0`), params.push(source);
  if (f.since) parts.push((n) => `a.date >= $${n}`), params.push(f.since);
  if (f.until) parts.push((n) => `a.date <= $${n}`), params.push(f.until);
  if (f.articles) parts.push((n) => `a.id = ANY($${n}::text[])`), params.push(f.articles);
  if (!parts.length) return ALL;
  return { sql: (first) => parts.map((p, i) => p(first + i)).join(' AND '), params };
}
