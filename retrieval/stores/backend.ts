import type { Embedder } from '../../embeddings/embedder.ts';
import type { IngestReport, Progress } from '../ingest.ts';
import type { SearchIndex } from './search-index.ts';

export interface BackendIngestOptions {
  onProgress?: Progress;
  signal?: AbortSignal;
  /** Ignore the current index: re-read and re-embed everything. */
  rebuild?: boolean;
}

/**
 * Where the index lives: the embedded files (INDEX_DIR, the default) or a Postgres database
 * (DATABASE_URL). The engine asks a backend for the current SearchIndex and for the next one after
 * an ingest; everything above it (chunking, fusion, quoting, refusal) is the same for both.
 */
export interface IndexBackend {
  readonly kind: 'embedded' | 'postgres';
  /** The current index, or null when there is none yet (or it is damaged: the backend says why on ensureIndex). */
  open(): Promise<SearchIndex | null>;
  /** The corpus folder to (re)build from when there is no usable index, said out loud; throws rather than silently swap corpora. */
  sourceToRebuild(current: SearchIndex | null): Promise<string>;
  /** Reads `corpusDir`, embeds what changed and makes the result current; index is null when nothing changed. One writer at a time. */
  ingest(corpusDir: string, embedder: Embedder, current: SearchIndex | null, opts: BackendIngestOptions): Promise<{ report: IngestReport; index: SearchIndex | null }>;
  /** Work after an ingest's write, outside its lock (the embedded store builds its nearest-neighbour graph). */
  settle(index: SearchIndex): Promise<void>;
  /** A newer version another process made current, or `current` when there is none. */
  refresh(current: SearchIndex | null): Promise<SearchIndex | null>;
  /** Settles when the index's search structures are loaded (the embedded nearest-neighbour graph). */
  readonly annReady: Promise<void>;
  close(): Promise<void>;
}
