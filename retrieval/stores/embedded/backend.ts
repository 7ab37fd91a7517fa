import { resolve } from 'node:path';
import type { Embedder } from '../../../embeddings/embedder.ts';
import { UserError } from '../../errors.ts';
import type { IngestReport } from '../../ingest.ts';
import { tagCorpus, taggerId } from '../../sentence-tags.ts';
import { embedSentences } from '../../sentence-vectors.ts';
import type { EngineSettings } from '../../settings.ts';
import type { BackendIngestOptions, IndexBackend } from '../backend.ts';
import type { SearchIndex } from '../search-index.ts';
import { AnnIndex, annPath, pruneAnn } from './ann.ts';
import { Snapshot } from './snapshot.ts';
import { clearPending, IndexCorruptError, isFolder, loadIndex, lockIndex, readPending, repairCommand, saveIndex, STORE_VERSION, writePending } from './store.ts';

type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** The embedded index in INDEX_DIR: generation folders, a write lock, checksums and repair (store.ts), a nearest-neighbour graph (ann.ts). */
export class EmbeddedBackend implements IndexBackend {
  readonly kind = 'embedded';
  annReady: Promise<void> = Promise.resolve();
  /** Why the index on disk could not be loaded, when it could not. */
  private damaged: IndexCorruptError | null = null;

  constructor(
    private readonly settings: EngineSettings,
    private readonly log: Log,
  ) {}

  async open(): Promise<Snapshot | null> {
    try {
      const stored = await loadIndex(this.settings.indexDir);
      if (!stored) return null;
      const snap = new Snapshot(stored);
      this.annReady = this.attachAnn(snap, true);
      return snap;
    } catch (err) {
      if (!(err instanceof IndexCorruptError)) throw err;
      this.damaged = err;
      this.log('warn', err.message);
      return null;
    }
  }

  /** Loads the snapshot's nearest-neighbour graph, or builds it off the main thread; search stays exact until then. */
  private async attachAnn(snap: Snapshot, background = false): Promise<void> {
    const rows = snap.chunks.length;
    if (rows < this.settings.annMinChunks) return;
    const path = annPath(this.settings.indexDir, snap.data);
    snap.ann = AnnIndex.load(path, rows, snap.dim);
    if (snap.ann) return;
    this.log('info', `Building the nearest-neighbour graph for ${rows} chunks in the background; searches scan every vector until it is ready.`);
    try {
      const started = performance.now();
      snap.ann = await AnnIndex.build(snap.data.vectors, snap.dim, path, background);
      pruneAnn(this.settings.indexDir, path);
      this.log('info', `Nearest-neighbour graph ready in ${((performance.now() - started) / 1000).toFixed(1)} s.`);
    } catch (err) {
      this.log('warn', `Could not build the nearest-neighbour graph (${(err as Error).message}); searches keep scanning every vector.`);
    }
  }

  async sourceToRebuild(current: SearchIndex | null): Promise<string> {
    const { corpusDir, indexDir } = this.settings;
    if (current) return current.corpusDir ?? corpusDir;
    const damaged = this.damaged;
    if (!damaged) {
      const pending = await readPending(indexDir);
      if (pending && resolve(pending) !== corpusDir) {
        throw new UserError(`An ingest of ${pending} into ${indexDir} was stopped before it finished, so there is no index yet. Finish it with: npm run cli -- ingest "${pending}" — or build from CORPUS_DIR (${corpusDir}) with: npm run cli -- ingest "${corpusDir}"`);
      }
      this.log('info', `No index in ${indexDir} yet; building it from ${corpusDir}…`);
      return corpusDir;
    }
    const from = damaged.corpusDir;
    if (!from) {
      // Indexes before format 4 did not record their folder; a newer bot rebuilds them from the configured one.
      if (damaged.formatVersion !== null && damaged.formatVersion < STORE_VERSION) {
        this.log('warn', `Rebuilding the index from CORPUS_DIR (${corpusDir}): the old index does not record which folder it was built from.`);
        return corpusDir;
      }
      throw new UserError(`The index in ${indexDir} is damaged and does not say which corpus folder it was built from, so it is not rebuilt from CORPUS_DIR (${corpusDir}) on a guess. Rebuild it with: ${repairCommand(null)}`);
    }
    if (!(await isFolder(from))) {
      throw new UserError(`The index in ${indexDir} is damaged and was built from ${from}, which is no longer a folder; it is not replaced by CORPUS_DIR (${corpusDir}) silently. To build it from CORPUS_DIR: ${repairCommand(corpusDir)}`);
    }
    const older = damaged.formatVersion !== null && damaged.formatVersion < STORE_VERSION;
    this.log('warn', older ? `Rebuilding the index from ${from}, the folder it was built from: an older version of the bot wrote it…` : `Rebuilding the damaged index from ${from}, the folder it was built from…`);
    return from;
  }

  async ingest(corpusDir: string, embedder: Embedder, current: SearchIndex | null, opts: BackendIngestOptions): Promise<{ report: IngestReport; index: Snapshot | null }> {
    const { indexDir } = this.settings;
    const lock = await lockIndex(indexDir);
    try {
      // Remembered until the first generation is saved, so a killed first ingest is not finished from another folder.
      if (!current && !this.damaged) await writePending(indexDir, corpusDir);
      const prev = opts.rebuild || !(current instanceof Snapshot) ? null : current.data;
      // Loaded for an ingest only: the corpus parsers (yaml, cheerio…) cost every answering start-up time.
      const { buildIndex } = await import('../../ingest.ts');
      const { data, report } = await buildIndex(corpusDir, embedder, prev, { onProgress: opts.onProgress, signal: opts.signal, maxFileBytes: this.settings.maxFileBytes });
      for (const w of report.warnings) this.log('warn', `${w.file}: ${w.message}`);
      if (!data.articles.length) throw new UserError(`No articles found in ${corpusDir}. Put .txt, .md, .html, .json or .jsonl files there.`);
      let index: Snapshot | null = null;
      // An index saved before tags were kept, or by another tagger, gets them even when no article changed.
      // Likewise sentence vectors, or those of another model.
      const tagsStale = prev?.tags?.tagger !== taggerId();
      const sentencesStale = prev?.sentences?.model !== embedder.id;
      if (report.changed || tagsStale || sentencesStale) {
        data.tags = await tagCorpus(data.articles, prev?.tags ?? null, { signal: opts.signal, onProgress: (done, total) => opts.onProgress?.(done, total, 'tagging') });
        const sentences = await embedSentences(data.articles, embedder, prev?.sentences ?? null, { signal: opts.signal, onProgress: (done, total) => opts.onProgress?.(done, total, 'sentences') });
        data.sentences = sentences.table;
        report.sentencesEmbedded = sentences.embedded;
        opts.signal?.throwIfAborted();
        index = new Snapshot(data);
        await saveIndex(indexDir, { ...data, bm25: index.bm25.data }, lock);
        this.damaged = null;
      }
      await clearPending(indexDir);
      return { report, index };
    } finally {
      await lock.release();
    }
  }

  /** Outside the write lock: an ingest ends with its graph built, so the next process loads it. */
  async settle(index: SearchIndex): Promise<void> {
    if (!(index instanceof Snapshot)) return;
    this.annReady = this.attachAnn(index);
    await this.annReady;
  }

  /** Each process answers from the generation it loaded; a re-index in this process swaps it (the bot's answer pool reopens on a new generation). */
  refresh(current: SearchIndex | null): Promise<SearchIndex | null> {
    return Promise.resolve(current);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }
}
