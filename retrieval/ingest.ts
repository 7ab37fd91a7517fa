import type { Embedder } from '../embeddings/embedder.ts';
import { articleHash } from './article.ts';
import { chunkSteps } from './chunker.ts';
import { loadCorpus } from './corpus.ts';
import { yielder } from './yielder.ts';
import { STORE_VERSION, type StoredIndex } from './stores/embedded/store.ts';
import { sourceText, type Article, type Chunk, type Warning } from './types.ts';

export interface IngestReport {
  files: number;
  articles: number;
  added: string[];
  updated: string[];
  removed: string[];
  unchanged: number;
  chunks: number;
  /** Chunks embedded by this run (0 when nothing changed). */
  embedded: number;
  /** Corpus sentences embedded by this run for the saved sentence vectors (sentence-vectors.ts); absent when the store keeps none. */
  sentencesEmbedded?: number;
  /** True when the index was built by another model and everything was re-embedded. */
  modelChanged: boolean;
  /** False when the corpus and model were unchanged, so nothing was written. */
  changed: boolean;
  warnings: Warning[];
}

/** `phase` is what is being counted: files read, KB of article text chunked, chunks embedded (the default), or chunks written (Postgres). */
export type Progress = (done: number, total: number, phase?: 'reading' | 'chunking' | 'embedding' | 'tagging' | 'sentences' | 'writing') => void;

const BATCH = 32;

export interface BuildOptions {
  onProgress?: Progress;
  /** Stops the build between steps of bounded work (a file, a piece of a paragraph, a batch). */
  signal?: AbortSignal;
  /** Files larger than this are skipped with a warning. */
  maxFileBytes?: number;
}

/** What an ingest compares the corpus with: the model and the content hash of each article of the current index. */
export interface PreviousIndex {
  model: { id: string; dim: number };
  hashes: Record<string, string>;
  corpusDir?: string;
}

/** The corpus read and compared with the current index: which articles are new, changed, gone, and the chunks of the new and changed ones. */
export interface IngestPlan {
  corpus: { articles: Article[] };
  report: IngestReport;
  hashes: Record<string, string>;
  /** Every article's chunks in corpus order: freshly cut (`fresh`) or the current index's (unchanged articles, left to the store). */
  articles: { article: Article; fresh: Chunk[] | null }[];
}

/**
 * Reads and chunks the corpus folder, re-using nothing yet: articles whose content hash is unchanged
 * (and whose vectors were made by this model) are marked for the store to keep as they are.
 */
export async function planIngest(dir: string, embedder: Embedder, prev: PreviousIndex | null, opts: BuildOptions = {}): Promise<IngestPlan> {
  const { onProgress, signal } = opts;
  const corpus = await loadCorpus(dir, { signal, maxFileBytes: opts.maxFileBytes, onProgress: (done, total) => onProgress?.(done, total, 'reading') });
  const modelChanged = !!prev && (prev.model.id !== embedder.id || prev.model.dim !== embedder.dim);
  const old = prev && !modelChanged ? prev : null;
  const report: IngestReport = { files: corpus.files, articles: corpus.articles.length, added: [], updated: [], removed: [], unchanged: 0, chunks: 0, embedded: 0, modelChanged, changed: true, warnings: corpus.warnings };
  const hashes: Record<string, string> = {};
  const articles: IngestPlan['articles'] = [];
  const pause = yielder(signal);
  const kb = (chars: number) => Math.ceil(chars / 1024);
  const totalChars = corpus.articles.reduce((n, a) => n + a.text.length, 0);
  let chunked = 0;
  let lastShown = -1;
  const showChunking = (chars: number) => {
    if (kb(chars) === lastShown) return;
    lastShown = kb(chars);
    onProgress?.(lastShown, kb(totalChars), 'chunking');
  };
  for (const a of corpus.articles) {
    const before = chunked;
    chunked += a.text.length;
    const hash = articleHash(a);
    hashes[a.id] = hash;
    const prevHash = old?.hashes[a.id];
    if (prevHash === hash) {
      report.unchanged++;
      articles.push({ article: a, fresh: null });
      continue;
    }
    (prevHash ? report.updated : report.added).push(a.id);
    const steps = chunkSteps(a, embedder);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) {
        articles.push({ article: a, fresh: step.value });
        break;
      }
      showChunking(before + step.value);
      await pause();
    }
  }
  showChunking(totalChars);
  if (prev) report.removed = Object.keys(prev.hashes).filter((id) => !(id in hashes));
  // A corpus moved to another folder is saved again, so repairs rebuild from where it is now.
  report.changed = !prev || modelChanged || prev.corpusDir !== dir || report.added.length + report.updated.length + report.removed.length > 0;
  return { corpus, report, hashes, articles };
}

/** Embeds the chunks, in batches, counting them into the report; row i of the result is chunk i's vector. */
export async function embedChunks(chunks: Chunk[], byId: Map<string, Article>, embedder: Embedder, report: IngestReport, opts: BuildOptions = {}): Promise<Float32Array> {
  const { onProgress, signal } = opts;
  const dim = embedder.dim;
  const vectors = new Float32Array(chunks.length * dim);
  onProgress?.(0, chunks.length);
  for (let b = 0; b < chunks.length; b += BATCH) {
    signal?.throwIfAborted();
    const batch = chunks.slice(b, b + BATCH);
    const out = await embedder.embed(batch.map((c) => sourceText(byId.get(c.articleId)!, c).slice(c.start, c.end)));
    out.forEach((v, k) => vectors.set(v, (b + k) * dim));
    report.embedded += batch.length;
    onProgress?.(report.embedded, chunks.length);
  }
  return vectors;
}

/**
 * Builds the next embedded index from the corpus folder, re-using the vectors of articles whose
 * content hash is unchanged. Vectors of another model are never mixed in: a model change re-embeds everything.
 */
export async function buildIndex(dir: string, embedder: Embedder, prev: StoredIndex | null, opts: BuildOptions = {}): Promise<{ data: StoredIndex; report: IngestReport }> {
  const plan = await planIngest(dir, embedder, prev && { ...prev.manifest }, opts);
  const { report } = plan;
  const oldRows = new Map<string, number[]>();
  prev?.chunks.forEach((c, i) => {
    const rows = oldRows.get(c.articleId) ?? [];
    rows.push(i);
    oldRows.set(c.articleId, rows);
  });
  const chunks: Chunk[] = [];
  const reuse: (number | null)[] = [];
  for (const { article, fresh } of plan.articles) {
    if (fresh) for (const c of fresh) chunks.push(c), reuse.push(null);
    else for (const r of oldRows.get(article.id) ?? []) chunks.push(prev!.chunks[r]!), reuse.push(r);
  }
  report.chunks = chunks.length;
  if (!report.changed) return { data: prev!, report };
  const dim = embedder.dim;
  const todo = chunks.flatMap((_, i) => (reuse[i] === null ? [i] : []));
  const byId = new Map(plan.corpus.articles.map((a) => [a.id, a]));
  const embedded = await embedChunks(todo.map((i) => chunks[i]!), byId, embedder, report, opts);
  const vectors = new Float32Array(chunks.length * dim);
  reuse.forEach((r, i) => {
    if (r !== null) vectors.set(prev!.vectors.subarray(r * dim, (r + 1) * dim), i * dim);
  });
  todo.forEach((i, k) => vectors.set(embedded.subarray(k * dim, (k + 1) * dim), i * dim));
  const data: StoredIndex = {
    manifest: { version: STORE_VERSION, model: { id: embedder.id, dim }, chunkCount: chunks.length, hashes: plan.hashes, builtAt: new Date().toISOString(), corpusDir: dir },
    articles: plan.corpus.articles,
    chunks,
    vectors,
  };
  return { data, report };
}

/** One line for people: what an ingest found and changed. */
export function describeReport(r: IngestReport): string {
  const parts = [
    `${r.articles} articles from ${r.files} files, ${r.chunks} chunks`,
    r.changed ? `${r.added.length} added, ${r.updated.length} updated, ${r.removed.length} removed, ${r.unchanged} unchanged; ${r.embedded} chunks embedded` : 'nothing changed',
  ];
  if (r.modelChanged) parts.push('embedding model changed: everything re-embedded');
  if (r.sentencesEmbedded) parts.push(`${r.sentencesEmbedded} sentences embedded for quoting`);
  if (r.warnings.length) parts.push(`${r.warnings.length} file warnings`);
  return parts.join('; ');
}
