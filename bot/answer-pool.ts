import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import type { AnswerWork } from '../commands/types.ts';
import type { AskOptions } from '../retrieval/answer.ts';
import type { SourceMatch } from '../retrieval/engine.ts';
import { UserError } from '../retrieval/errors.ts';
import type { EngineSettings } from '../retrieval/settings.ts';
import type { Summary } from '../retrieval/summary.ts';
import type { Answer } from '../retrieval/types.ts';
import type { AnswerResult, AnswerTask } from './answer-worker.ts';

export const BUSY = 'Many questions are waiting right now; please try again shortly.';

export interface PoolOptions {
  /** Worker threads; default: one core is left to the main thread (gateway, deferrals, replies). */
  threads?: number;
  /** Questions allowed to wait for a thread; past that the asker is told to try again shortly. */
  maxQueue?: number;
}

/**
 * Embedding and scoring (questions, topic searches, summaries) on worker threads, each with its own copy of the model and the index, so the
 * main thread stays free to acknowledge interactions within Discord's 3 seconds whatever the load.
 */
export class AnswerPool implements AnswerWork {
  readonly threads: number;
  private readonly pool: Piscina<AnswerTask, AnswerResult>;
  private generation = 0;

  constructor(settings: EngineSettings, opts: PoolOptions = {}) {
    this.threads = opts.threads ?? Math.max(1, Math.min(4, availableParallelism() - 1));
    this.pool = new Piscina({
      filename: new URL('./answer-worker.mjs', import.meta.url).href,
      workerData: { settings },
      minThreads: this.threads,
      maxThreads: this.threads,
      maxQueue: opts.maxQueue ?? 1000,
      idleTimeout: Number.POSITIVE_INFINITY,
      // Several at a time: scoring runs while other questions wait for the model, which onnxruntime
      // runs off the thread (bench:discord, 200 warm questions: 24 s with 2 at a time, 8 s with 8).
      concurrentTasksPerWorker: 8,
    });
  }

  /** Loads model and index in every thread and runs one question through each, before the bot says it is ready. */
  async warm(): Promise<void> {
    await Promise.all(Array.from({ length: this.threads }, () => this.run({ kind: 'warm', generation: this.generation })));
  }

  ask(question: string, opts: AskOptions): Promise<Answer> {
    return this.run({ kind: 'ask', generation: this.generation, question, opts }) as Promise<Answer>;
  }

  sources(query: string, limit: number): Promise<SourceMatch[]> {
    return this.run({ kind: 'sources', generation: this.generation, query, limit }) as Promise<SourceMatch[]>;
  }

  summary(articleId: string): Promise<Summary> {
    return this.run({ kind: 'summary', generation: this.generation, articleId }) as Promise<Summary>;
  }

  /** Threads reload the index from disk before their next question. */
  async reloadIndex(): Promise<void> {
    this.generation++;
  }

  get queued(): number {
    return this.pool.queueSize;
  }

  async destroy(): Promise<void> {
    await this.pool.destroy();
  }

  private async run(task: AnswerTask): Promise<unknown> {
    let result: AnswerResult;
    try {
      result = await this.pool.run(task);
    } catch (e) {
      if (e instanceof Error && e.message === 'Task queue is at limit') throw new UserError(BUSY);
      throw e;
    }
    if ('userError' in result) throw new UserError(result.userError);
    return result.ok;
  }
}
