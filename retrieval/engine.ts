import { createEmbedder, type Embedder } from '../embeddings/index.ts';
import { AnnIndex, annPath, pruneAnn } from './ann.ts';
import type { AskOptions, Candidate } from './answer.ts';
import { checkQuestion, UserError } from './errors.ts';
import { buildIndex, type IngestReport, type Progress } from './ingest.ts';
import type { EngineSettings } from './settings.ts';
import { Snapshot } from './snapshot.ts';
import { resolve } from 'node:path';
import { clearPending, IndexCorruptError, isFolder, loadIndex, lockIndex, readPending, repairCommand, saveIndex, STORE_VERSION, writePending } from './store.ts';
import { summarize, type Summary } from './summary.ts';
import { stripInvisible, words } from './text.ts';
import { metaOf, type Answer, type Article, type ArticleMeta, type Passage } from './types.ts';

export interface ArticleListing extends ArticleMeta {
  paragraphs: number;
}

export interface SourceMatch {
  article: ArticleMeta;
  /** Best passage of the article for the query. */
  passage: Passage;
}

export interface IngestOptions {
  /** Ignore the index on disk: re-read and re-embed everything (the repair for a damaged index). */
  rebuild?: boolean;
  /** Stops the ingest between articles and embedding batches; the previous index stays as it was. */
  signal?: AbortSignal;
}

// The answer stage brings compromise (about a second to load). Engine.open imports it while the
// embedding model loads, whose work is mostly native and leaves this thread free.
const answerStage = () => import('./answer.ts');

export type Log = (level: 'info' | 'warn' | 'error', msg: string) => void;

/** The retrieval API that the CLI and the Discord commands are written against. */
export class Engine {
  private snap: Snapshot | null = null;
  private reindexing: Promise<IngestReport> | null = null;
  private readonly summaries = new Map<string, Summary>();
  /** Settles when the current snapshot's nearest-neighbour graph is loaded or built (or failed: exact search). */
  annReady: Promise<void> = Promise.resolve();
  /** Why the index on disk could not be loaded, when it could not. */
  private damaged: IndexCorruptError | null = null;

  private constructor(
    readonly settings: EngineSettings,
    readonly embedder: Embedder,
    private readonly log: Log,
  ) {}

  /** Loads the embedder and any existing index; an unreadable index is reported and repaired on demand (ensureIndex). */
  static async open(settings: EngineSettings, log: Log = () => {}, embedder?: Embedder): Promise<Engine> {
    const answer = answerStage();
    const e = new Engine(settings, embedder ?? (await createEmbedder(settings.embedder, (m) => log('warn', m))), log);
    await answer;
    try {
      const stored = await loadIndex(settings.indexDir);
      if (stored) {
        e.snap = new Snapshot(stored);
        e.annReady = e.attachAnn(e.snap, true);
      }
    } catch (err) {
      if (!(err instanceof IndexCorruptError)) throw err;
      e.damaged = err;
      log('warn', err.message);
    }
    return e;
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

  /** When the current index was built (its manifest's builtAt): which generation an answer came from. */
  get builtAt(): string | null {
    return this.snap?.data.manifest.builtAt ?? null;
  }

  get ready(): boolean {
    return this.snap !== null;
  }

  /** True when the index on disk was built by another model and the next ingest re-embeds everything. */
  get modelMismatch(): boolean {
    return !!this.snap && this.snap.data.manifest.model.id !== this.embedder.id;
  }

  /**
   * Builds the index when there is none, re-embeds it when it was made by another model, and repairs a
   * damaged one from the corpus folder it was built from — never from another folder without saying so.
   */
  async ensureIndex(onProgress?: Progress, opts: IngestOptions = {}): Promise<IngestReport | null> {
    if (this.snap && !this.modelMismatch) return null;
    const dir = await this.sourceToRebuild();
    return this.ingest(dir, onProgress, { ...opts, rebuild: !this.snap });
  }

  /** The folder to (re)build from, said out loud; throws when that would silently swap corpora. */
  private async sourceToRebuild(): Promise<string> {
    const { corpusDir, indexDir } = this.settings;
    if (this.snap) return this.snap.data.manifest.corpusDir ?? corpusDir;
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
    this.log('warn', `Rebuilding the damaged index from ${from}, the folder it was built from…`);
    return from;
  }

  /**
   * (Re)ingests a corpus folder. Queries keep using the previous snapshot until the new one is saved.
   * One at a time, in this process and across processes (the index's write lock).
   */
  async ingest(dir = this.settings.corpusDir, onProgress?: Progress, opts: IngestOptions = {}): Promise<IngestReport> {
    if (this.reindexing) throw new UserError('A re-index is already running; try again when it has finished.');
    const corpusDir = resolve(dir);
    const { indexDir } = this.settings;
    this.reindexing = (async () => {
      let built: Snapshot | null = null;
      let report: IngestReport;
      if (!(await isFolder(corpusDir))) {
        throw new UserError(`${corpusDir === this.settings.corpusDir ? `CORPUS_DIR (${corpusDir})` : `The corpus folder ${corpusDir}`} is not a folder; point it at a folder of .txt, .md, .html, .json or .jsonl files.`);
      }
      const lock = await lockIndex(indexDir);
      try {
        // Remembered until the first generation is saved, so a killed first ingest is not finished from another folder.
        if (!this.snap && !this.damaged) await writePending(indexDir, corpusDir);
        const prev = opts.rebuild ? null : (this.snap?.data ?? null);
        const result = await buildIndex(corpusDir, this.embedder, prev, { onProgress, signal: opts.signal, maxFileBytes: this.settings.maxFileBytes });
        const { data } = result;
        report = result.report;
        for (const w of report.warnings) this.log('warn', `${w.file}: ${w.message}`);
        if (!data.articles.length) throw new UserError(`No articles found in ${corpusDir}. Put .txt, .md, .html, .json or .jsonl files there.`);
        if (report.changed) {
          opts.signal?.throwIfAborted();
          const snap = new Snapshot(data);
          await saveIndex(indexDir, { ...data, bm25: snap.bm25.data }, lock);
          this.snap = snap;
          this.damaged = null;
          this.summaries.clear();
          built = snap;
        }
        await clearPending(indexDir);
      } finally {
        await lock.release();
      }
      // Outside the write lock: an ingest ends with its graph built, so the next process loads it.
      if (built) {
        this.annReady = this.attachAnn(built);
        await this.annReady;
      }
      return report;
    })();
    try {
      return await this.reindexing;
    } finally {
      this.reindexing = null;
    }
  }

  get isReindexing(): boolean {
    return this.reindexing !== null;
  }

  private get snapshot(): Snapshot {
    if (!this.snap) throw new UserError('The index is not built yet; run the ingest first.');
    return this.snap;
  }

  async ask(question: string, opts: AskOptions = {}): Promise<Answer> {
    const q = checkQuestion(question);
    const snap = this.snapshot;
    const [vector] = await this.embedder.embed([q]);
    const { findPassages } = await answerStage();
    return { question: q, ...(await findPassages(snap, vector!, q, opts, (texts) => this.embedder.embed(texts))) };
  }

  /** Every candidate quote with its features and probability, best first: what `ask` chose from (fitting, debugging). */
  async candidates(question: string, opts: AskOptions = {}): Promise<Candidate[]> {
    const q = checkQuestion(question);
    const [vector] = await this.embedder.embed([q]);
    const { scoreCandidates } = await answerStage();
    return scoreCandidates(this.snapshot, vector!, q, opts, (texts) => this.embedder.embed(texts));
  }

  articles(): ArticleListing[] {
    return this.snapshot.articles.map((a) => ({ ...metaOf(a), paragraphs: a.paragraphs.length }));
  }

  article(id: string): Article | null {
    return this.snapshot.byId.get(id) ?? null;
  }

  /** Resolves an id or a title (exact, then contained, then best word overlap). */
  findArticle(ref: string): Article | null {
    const snap = this.snapshot;
    const key = fold(ref);
    if (!key) return null;
    const byId = snap.byId.get(ref.trim());
    if (byId) return byId;
    const all = snap.articles;
    const exact = all.find((a) => fold(a.title) === key);
    if (exact) return exact;
    const contained = all.filter((a) => fold(a.title).includes(key));
    if (contained.length) return contained.sort((a, b) => a.title.length - b.title.length)[0]!;
    const want = new Set(words(ref));
    let best: Article | null = null;
    let bestScore = 0;
    for (const a of all) {
      const have = words(a.title);
      const overlap = have.filter((w) => want.has(w)).length / Math.max(want.size, 1);
      if (overlap > bestScore) [best, bestScore] = [a, overlap];
    }
    return bestScore >= 0.5 ? best : null;
  }

  /** Titles for autocomplete: those containing the typed text first, then the rest. */
  suggest(typed: string, limit = 25): ArticleMeta[] {
    const key = fold(typed);
    const all = this.snapshot.articles;
    const starts = all.filter((a) => fold(a.title).startsWith(key));
    const contains = all.filter((a) => !starts.includes(a) && (fold(a.title).includes(key) || fold(a.author ?? '').includes(key)));
    return [...starts, ...contains].slice(0, limit).map(metaOf);
  }

  async summary(ref: string, maxSentences?: number): Promise<Summary> {
    const article = this.findArticle(ref);
    if (!article) throw new UserError(`No article matches "${ref.slice(0, 100)}". /articles lists them (\`articles\` on the command line).`);
    const key = `${article.id}:${maxSentences ?? ''}`;
    const cached = this.summaries.get(key);
    if (cached) return cached;
    const s = await summarize(article, this.embedder, maxSentences);
    this.summaries.set(key, s);
    return s;
  }

  /** Articles that cover a topic, best first, each with its best passage. */
  async sources(query: string, limit = 10): Promise<SourceMatch[]> {
    const answer = await this.ask(query, { limit: 25 });
    const seen = new Set<string>();
    const out: SourceMatch[] = [];
    for (const p of answer.passages) {
      if (seen.has(p.article.id)) continue;
      seen.add(p.article.id);
      out.push({ article: p.article, passage: p });
    }
    return out.slice(0, limit);
  }

  /** The whole paragraph (1-based) of an article, for "Full paragraph". */
  paragraph(articleId: string, paragraph: number): { article: ArticleMeta; text: string; section: string | null } | null {
    const a = this.snapshot.byId.get(articleId);
    const p = a?.paragraphs[paragraph - 1];
    if (!a || !p) return null;
    return { article: metaOf(a), text: a.text.slice(p.start, p.end), section: p.section };
  }
}

function fold(s: string): string {
  return stripInvisible(s).normalize('NFKC').toLowerCase().replace(/[‘’`]/g, "'").replace(/[“”]/g, '"').replace(/\s+/g, ' ').trim();
}
