import { workerData } from 'node:worker_threads';
import { Engine } from '../retrieval/engine.ts';
import { UserError } from '../retrieval/errors.ts';
import type { AskOptions } from '../retrieval/answer.ts';
import type { EngineSettings } from '../retrieval/settings.ts';

export type AnswerTask =
  | { kind: 'warm'; generation: number }
  | { kind: 'ask'; generation: number; question: string; opts: AskOptions }
  | { kind: 'sources'; generation: number; query: string; limit: number }
  | { kind: 'summary'; generation: number; articleId: string };

/** A UserError does not survive the trip between threads as itself, so it travels as a message. */
export type AnswerResult = { ok: unknown } | { userError: string };

const settings = (workerData as { settings: EngineSettings }).settings;
let current: { generation: number; engine: Promise<Engine> } | null = null;

/** The engine over the index of `gen`: a re-index saved a new one when the generation moved on. */
function engineFor(gen: number): Promise<Engine> {
  if (!current || current.generation !== gen) {
    const previous = current?.engine;
    // The embedder is kept across reloads: only the index changes. Tasks running at once share one load.
    const engine = (async () => Engine.open(settings, () => {}, (await previous?.catch(() => null))?.embedder))();
    current = { generation: gen, engine };
    // A failed load is tried again by the next task rather than failing every one after it.
    engine.catch(() => {
      if (current?.engine === engine) current = null;
    });
  }
  return current.engine;
}

export default async function run(task: AnswerTask): Promise<AnswerResult> {
  try {
    const e = await engineFor(task.generation);
    if (task.kind === 'ask') return { ok: await e.ask(task.question, task.opts) };
    if (task.kind === 'sources') return { ok: await e.sources(task.query, task.limit) };
    if (task.kind === 'summary') return { ok: await e.summary(task.articleId) };
    // Warm-up: the model ran its probe when loaded; one question compiles the scoring code too.
    if (e.ready) await e.ask('What happened and when?', { limit: 3 });
    return { ok: null };
  } catch (err) {
    if (err instanceof UserError) return { userError: err.message };
    throw err;
  }
}
