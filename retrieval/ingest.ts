import type { Embedder } from '../embeddings/embedder.ts';
import { articleHash } from './article.ts';
import { chunkSteps } from './chunker.ts';
import { loadCorpus } from './corpus.ts';
import { yielder } from './yielder.ts';
import { STORE_VERSION, type StoredIndex } from './store.ts';
import { sourceText, type Chunk, type Warning } from './types.ts';

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
  /** True when the index was built by another model and everything was re-embedded. */
  modelChanged: boolean;
  /** False when the corpus and model were unchanged, so nothing was written. */
  changed: boolean;
  warnings: Warning[];
}

/** `phase` is what is being counted: files read, KB of article text chunked, or chunks embedded (the default). */
export type Progress = (done: number, total: number, phase?: 'reading' | 'chunking' | 'embedding') => void;

const BATCH = 32;

/**
 * Builds the next index from the corpus folder, re-using the vectors of articles whose content hash
 * is unchanged. Vectors of another model are never mixed in: a model change re-embeds everything.
 */
export interface BuildOptions {
  onProgress?: Progress;
  /** Stops the build between steps of bounded work (a file, a piece of a paragraph, a batch). */
  signal?: AbortSignal;
  /** Files larger than this are skipped with a warning. */
  maxFileBytes?: number;
}

export async function buildIndex(dir: string, embedder: Embedder, prev: StoredIndex | null, opts: BuildOptions = {}): Promise<{ data: StoredIndex; report: IngestReport }> {
  const { onProgress, signal } = opts;
  const corpus = await loadCorpus(dir, { signal, maxFileBytes: opts.maxFileBytes, onProgress: (done, total) => onProgress?.(done, total, 'reading') });
  const modelChanged = !!prev && (prev.manifest.model.id !== embedder.id || prev.manifest.model.dim !== embedder.dim);
  const old = prev && !modelChanged ? prev : null;
  const oldRows = new Map<string, number[]>();
  old?.chunks.forEach((c, i) => {
    const rows = oldRows.get(c.articleId) ?? [];
    rows.push(i);
    oldRows.set(c.articleId, rows);
  });

  const report: IngestReport = { files: corpus.files, articles: corpus.articles.length, added: [], updated: [], removed: [], unchanged: 0, chunks: 0, embedded: 0, modelChanged, changed: true, warnings: corpus.warnings };
  const hashes: Record<string, string> = {};
  const plan: { chunk: Chunk; reuse: number | null }[] = [];
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
    const prevHash = old?.manifest.hashes[a.id];
    if (prevHash === hash) {
      report.unchanged++;
      for (const r of oldRows.get(a.id) ?? []) plan.push({ chunk: old!.chunks[r]!, reuse: r });
      continue;
    }
    (prevHash ? report.updated : report.added).push(a.id);
    const steps = chunkSteps(a, embedder);
    for (let step = steps.next(); ; step = steps.next()) {
      if (step.done) {
        for (const chunk of step.value) plan.push({ chunk, reuse: null });
        break;
      }
      showChunking(before + step.value);
      await pause();
    }
  }
  showChunking(totalChars);
  if (prev) report.removed = Object.keys(prev.manifest.hashes).filter((id) => !(id in hashes));
  report.chunks = plan.length;
  // A corpus moved to another folder is saved again, so repairs rebuild from where it is now.
  report.changed = !prev || modelChanged || prev.manifest.corpusDir !== dir || report.added.length + report.updated.length + report.removed.length > 0;
  if (!report.changed) return { data: prev!, report };

  const dim = embedder.dim;
  const vectors = new Float32Array(plan.length * dim);
  const todo: number[] = [];
  plan.forEach((p, i) => {
    if (p.reuse === null) todo.push(i);
    else vectors.set(old!.vectors.subarray(p.reuse * dim, (p.reuse + 1) * dim), i * dim);
  });
  const byId = new Map(corpus.articles.map((a) => [a.id, a]));
  onProgress?.(0, todo.length);
  for (let b = 0; b < todo.length; b += BATCH) {
    signal?.throwIfAborted();
    const rows = todo.slice(b, b + BATCH);
    const texts = rows.map((i) => {
      const c = plan[i]!.chunk;
      return sourceText(byId.get(c.articleId)!, c).slice(c.start, c.end);
    });
    const out = await embedder.embed(texts);
    rows.forEach((row, k) => vectors.set(out[k]!, row * dim));
    report.embedded += rows.length;
    onProgress?.(report.embedded, todo.length);
  }
  const data: StoredIndex = {
    manifest: { version: STORE_VERSION, model: { id: embedder.id, dim }, chunkCount: plan.length, hashes, builtAt: new Date().toISOString(), corpusDir: dir },
    articles: corpus.articles,
    chunks: plan.map((p) => p.chunk),
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
  if (r.warnings.length) parts.push(`${r.warnings.length} file warnings`);
  return parts.join('; ');
}
