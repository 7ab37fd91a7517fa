import type pg from 'pg';
import { UserError } from '../../errors.ts';

/** Bumped when the tables change shape; a database of another version is rebuilt by `ingest --rebuild`. */
export const SCHEMA_VERSION = 1;

// Every table is prefixed: the bot may share a database with other applications.
export const META = 'newsbot_meta';
export const ARTICLES = 'newsbot_articles';
export const CHUNKS = 'newsbot_chunks';
export const TERMS = 'newsbot_terms';

// One lock id for schema changes, so bot processes starting together do not race on CREATE TABLE.
const SCHEMA_LOCK = 7_013_001;

// Same graph parameters as the embedded store's USearch graph (stores/embedded/ann.ts).
export const HNSW_M = 16;
export const HNSW_EF_CONSTRUCTION = 128;
export const HNSW_EF_SEARCH = 200;

/**
 * The tables that do not depend on the embedding model. The chunks table is made by the first
 * ingest (chunksDdl), because `vector(dim)` needs the model's dimension.
 */
export async function ensureSchema(client: pg.PoolClient): Promise<void> {
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1)', [SCHEMA_LOCK]);
    try {
      await client.query('CREATE EXTENSION IF NOT EXISTS vector');
    } catch (e) {
      throw new UserError(`The database has no pgvector extension (${(e as Error).message}). Install pgvector on the server and run, as a user allowed to: CREATE EXTENSION vector;`);
    }
    await client.query(`CREATE TABLE IF NOT EXISTS ${META} (
      singleton boolean PRIMARY KEY DEFAULT true CHECK (singleton),
      schema_version int NOT NULL,
      generation bigint NOT NULL DEFAULT 0,
      model_id text,
      dim int,
      corpus_dir text,
      built_at timestamptz,
      chunk_count int NOT NULL DEFAULT 0,
      total_length bigint NOT NULL DEFAULT 0
    )`);
    await client.query(`INSERT INTO ${META} (schema_version) VALUES ($1) ON CONFLICT DO NOTHING`, [SCHEMA_VERSION]);
    await client.query(`CREATE TABLE IF NOT EXISTS ${ARTICLES} (
      id text PRIMARY KEY,
      position int NOT NULL,
      hash text NOT NULL,
      title text NOT NULL,
      author text,
      source text,
      date text,
      url text,
      standfirst text,
      body text NOT NULL,
      paragraphs jsonb NOT NULL,
      notes jsonb NOT NULL,
      file text NOT NULL
    )`);
    await client.query(`CREATE INDEX IF NOT EXISTS ${ARTICLES}_date ON ${ARTICLES} (date)`);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  }
  const { rows } = await client.query<{ schema_version: number }>(`SELECT schema_version FROM ${META}`);
  if (rows[0]?.schema_version !== SCHEMA_VERSION) {
    throw new UserError(`The database's tables were made by another version of the bot (schema ${rows[0]?.schema_version}; this one uses ${SCHEMA_VERSION}). Drop the newsbot_* tables and run: npm run cli -- ingest --rebuild`);
  }
}

/** Chunks (with their vectors) and the BM25 postings, for a model of `dim` dimensions; the HNSW graph comes after the rows (hnswDdl). */
export function chunksDdl(dim: number): string[] {
  if (!Number.isInteger(dim) || dim <= 0) throw new Error(`bad vector dimension ${dim}`);
  return [
    `DROP TABLE IF EXISTS ${TERMS}, ${CHUNKS}`,
    `CREATE TABLE ${CHUNKS} (
      id text PRIMARY KEY,
      article_id text NOT NULL REFERENCES ${ARTICLES} (id) ON DELETE CASCADE,
      seq int NOT NULL,
      paragraph int NOT NULL,
      section text,
      start_at int NOT NULL,
      end_at int NOT NULL,
      note int,
      length int NOT NULL,
      embedding vector(${dim}) NOT NULL
    )`,
    `CREATE INDEX ${CHUNKS}_article ON ${CHUNKS} (article_id)`,
    `CREATE TABLE ${TERMS} (
      term text NOT NULL,
      chunk_id text NOT NULL REFERENCES ${CHUNKS} (id) ON DELETE CASCADE,
      tf int NOT NULL,
      PRIMARY KEY (term, chunk_id)
    )`,
    `CREATE INDEX ${TERMS}_chunk ON ${TERMS} (chunk_id)`,
  ];
}

/**
 * The HNSW graph over the chunk vectors (inner product on unit vectors: the cosine, as the embedded
 * store computes it). Built once the rows of a clean build are in: several times faster than
 * growing it row by row; later incremental ingests add to it.
 */
export const hnswDdl = `CREATE INDEX ${CHUNKS}_embedding ON ${CHUNKS} USING hnsw (embedding vector_ip_ops) WITH (m = ${HNSW_M}, ef_construction = ${HNSW_EF_CONSTRUCTION})`;
