import { createEmbedder, type Embedder } from '../embeddings/index.ts';
import type { AskOptions, Candidate } from './answer.ts';
import { checkQuestion, UserError } from './errors.ts';
import type { IngestReport, Progress } from './ingest.ts';
import type { EngineSettings } from './settings.ts';
import { resolve } from 'node:path';
import type { IndexBackend } from './stores/backend.ts';
import { openBackend } from './stores/open.ts';
import type { SearchIndex } from './stores/search-index.ts';
import { isFolder } from './stores/embedded/store.ts';
import { expandShorthand } from './shorthand.ts';
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
  private snap: SearchIndex | null = null;
  private reindexing: Promise<IngestReport> | null = null;
  private readonly summaries = new Map<string, Summary>();

  private constructor(
    readonly settings: EngineSettings,
    readonly embedder: Embedder,
    private readonly backend: IndexBackend,
  ) {}

  /**
   * Loads the embedder and any existing index; an unreadable index is reported and repaired on demand (ensureIndex).
   * `embedder` may still be loading (a promise): the index is read meanwhile.
   */
  static async open(settings: EngineSettings, log: Log = () => {}, embedder?: Embedder | Promise<Embedder>): Promise<Engine> {
    const answer = answerStage();
    const backend = await openBackend(settings, log);
    try {
      const [model, snap] = await Promise.all([embedder ?? createEmbedder(settings.embedder, (m) => log('warn', m)), answer.then(() => backend.open())]);
      const e = new Engine(settings, model, backend);
      e.snap = snap;
      return e;
    } catch (err) {
      await backend.close();
      throw err;
    }
  }

  /** Which store answers: the embedded index files or Postgres. */
  get store(): IndexBackend['kind'] {
    return this.backend.kind;
  }

  /** Settles when the current index's nearest-neighbour graph is loaded or built (or failed: exact search). */
  get annReady(): Promise<void> {
    return this.backend.annReady;
  }

  /** Which version of the corpus answers now (SearchIndex.generation): kept with each answer's votes. */
  get generation(): string | null {
    return this.snap?.generation ?? null;
  }

  get ready(): boolean {
    return this.snap !== null;
  }

  /** True when the index was built by another model and the next ingest re-embeds everything. */
  get modelMismatch(): boolean {
    return !!this.snap && this.snap.modelId !== this.embedder.id;
  }

  /**
   * Builds the index when there is none, re-embeds it when it was made by another model, and repairs a
   * damaged one from the corpus folder it was built from — never from another folder without saying so.
   */
  async ensureIndex(onProgress?: Progress, opts: IngestOptions = {}): Promise<IngestReport | null> {
    if (this.snap && !this.modelMismatch) return null;
    const dir = await this.backend.sourceToRebuild(this.snap);
    return this.ingest(dir, onProgress, { ...opts, rebuild: !this.snap });
  }

  /**
   * (Re)ingests a corpus folder. Queries keep using the previous index until the new one is saved.
   * One at a time, in this process and across processes (the store's write lock).
   */
  async ingest(dir = this.settings.corpusDir, onProgress?: Progress, opts: IngestOptions = {}): Promise<IngestReport> {
    if (this.reindexing) throw new UserError('A re-index is already running; try again when it has finished.');
    const corpusDir = resolve(dir);
    this.reindexing = (async () => {
      if (!(await isFolder(corpusDir))) {
        throw new UserError(`${corpusDir === this.settings.corpusDir ? `CORPUS_DIR (${corpusDir})` : `The corpus folder ${corpusDir}`} is not a folder; point it at a folder of .txt, .md, .html, .json or .jsonl files.`);
      }
      const current = await this.backend.refresh(this.snap);
      const { report, index } = await this.backend.ingest(corpusDir, this.embedder, current, { onProgress, signal: opts.signal, rebuild: opts.rebuild });
      if (index) {
        this.snap = index;
        this.summaries.clear();
        await this.backend.settle(index);
      }
      return report;
    })();
    try {
      return await this.reindexing;
    } finally {
      this.reindexing = null;
    }
  }

  /** Closes the store's connections (Postgres); the engine answers no more. */
  async close(): Promise<void> {
    await this.backend.close();
  }

  /** The latest index: a store shared by several processes may have a newer version than the one this process loaded. */
  private async fresh(): Promise<SearchIndex> {
    const next = await this.backend.refresh(this.snap);
    if (next !== this.snap) {
      this.snap = next;
      this.summaries.clear();
    }
    return this.snapshot;
  }

  get isReindexing(): boolean {
    return this.reindexing !== null;
  }

  private get snapshot(): SearchIndex {
    if (!this.snap) throw new UserError('The index is not built yet; run the ingest first.');
    return this.snap;
  }

  async ask(question: string, opts: AskOptions = {}): Promise<Answer> {
    const q = checkQuestion(question);
    const text = expandShorthand(q);
    const snap = await this.fresh();
    const [vector] = await this.embedder.embed([text]);
    const { findPassages } = await answerStage();
    return { question: q, ...(await findPassages(snap, vector!, text, opts, (texts) => this.embedder.embed(texts))) };
  }

  /** Every candidate quote with its features and probability, best first: what `ask` chose from (fitting, debugging). */
  async candidates(question: string, opts: AskOptions = {}): Promise<Candidate[]> {
    const q = expandShorthand(checkQuestion(question));
    const snap = await this.fresh();
    const [vector] = await this.embedder.embed([q]);
    const { scoreCandidates } = await answerStage();
    return scoreCandidates(snap, vector!, q, opts, (texts) => this.embedder.embed(texts));
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
