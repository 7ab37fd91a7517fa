import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import type { EmbedderSettings, EngineChoice } from '../embeddings/index.ts';
import { UserError } from './errors.ts';

// Compiled (npm run build), this file runs from dist/retrieval/, one folder further down: the
// project is the folder that holds package.json either way.
const above = resolve(import.meta.dirname, '..');
export const PROJECT_ROOT = existsSync(join(above, 'package.json')) ? above : dirname(above);

export interface EngineSettings {
  corpusDir: string;
  indexDir: string;
  /** Corpus files larger than this are skipped with a warning (MAX_FILE_MB). */
  maxFileBytes: number;
  embedder: EmbedderSettings;
  /** Chunk count from which dense search uses a nearest-neighbour graph instead of scanning every vector. */
  annMinChunks: number;
  /** Postgres + pgvector instead of the embedded index (DATABASE_URL); null: the embedded index in indexDir. */
  database: DatabaseSettings | null;
}

export interface DatabaseSettings {
  /** postgres://user:password@host:port/database */
  url: string;
  /** Connections each process keeps open (DATABASE_POOL_SIZE). */
  poolSize: number;
}

/** Below this many chunks the exact scan is fast and exact: no nearest-neighbour graph (retrieval/ann.ts). */
export const ANN_MIN_CHUNKS = 20_000;
export const DEFAULT_MAX_FILE_MB = 50;

const ENGINES: EngineChoice[] = ['auto', 'transformers', 'use-lite'];

/** Engine settings from the environment; a bad value names the variable and what it accepts (a UserError: exit code 2). */
export function settingsFromEnv(env: NodeJS.ProcessEnv = process.env): EngineSettings {
  const engine = (env.EMBEDDING_ENGINE?.trim() || 'auto') as EngineChoice;
  if (!ENGINES.includes(engine)) throw new UserError(`EMBEDDING_ENGINE must be one of ${ENGINES.join(', ')} (got "${engine}").`);
  const dtype = env.EMBEDDING_DTYPE?.trim() || 'q8';
  if (!['q8', 'fp32', 'fp16'].includes(dtype)) throw new UserError(`EMBEDDING_DTYPE must be q8, fp32 or fp16 (got "${dtype}").`);
  const download = (env.ALLOW_MODEL_DOWNLOAD ?? 'true').trim().toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no'].includes(download)) throw new UserError(`ALLOW_MODEL_DOWNLOAD must be true or false (got "${download}").`);
  const path = (v: string | undefined, fallback: string) => resolve(v?.trim() || fallback);
  const annMin = env.ANN_MIN_CHUNKS?.trim() || String(ANN_MIN_CHUNKS);
  if (!/^[1-9]\d*$/.test(annMin)) throw new UserError(`ANN_MIN_CHUNKS must be a whole number of chunks, 1 or more (got "${annMin}").`);
  const maxMb = Number(env.MAX_FILE_MB?.trim() || DEFAULT_MAX_FILE_MB);
  if (!Number.isFinite(maxMb) || maxMb <= 0) throw new UserError(`MAX_FILE_MB must be a number of megabytes above 0 (got "${env.MAX_FILE_MB}").`);
  const url = env.DATABASE_URL?.trim() || '';
  if (url && !/^postgres(ql)?:\/\//.test(url)) throw new UserError('DATABASE_URL must be a postgres:// (or postgresql://) URL; leave it empty for the embedded index in INDEX_DIR.');
  const pool = env.DATABASE_POOL_SIZE?.trim() || '4';
  if (!/^[1-9]\d*$/.test(pool)) throw new UserError(`DATABASE_POOL_SIZE must be a whole number of connections, 1 or more (got "${pool}").`);
  return {
    database: url ? { url, poolSize: Number(pool) } : null,
    corpusDir: path(env.CORPUS_DIR, resolve(PROJECT_ROOT, 'data', 'corpus')),
    indexDir: path(env.INDEX_DIR, resolve(PROJECT_ROOT, '.index')),
    maxFileBytes: Math.round(maxMb * 1024 * 1024),
    annMinChunks: Number(annMin),
    embedder: {
      engine,
      model: env.EMBEDDING_MODEL?.trim() || 'Xenova/all-MiniLM-L6-v2',
      modelDir: env.MODEL_DIR?.trim() ? resolve(env.MODEL_DIR.trim()) : null,
      cacheDir: path(env.MODEL_CACHE_DIR, resolve(PROJECT_ROOT, '.cache', 'models')),
      allowRemote: ['true', '1', 'yes'].includes(download),
      dtype: dtype as 'q8' | 'fp32' | 'fp16',
    },
  };
}
