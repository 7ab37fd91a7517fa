import { createEmbedder } from '../embeddings/index.ts';
import type { OffThreadEmbedder } from '../embeddings/off-thread.ts';
import { Engine, type Log } from '../retrieval/engine.ts';
import { settingsFromEnv, type EngineSettings } from '../retrieval/settings.ts';

export const log: Log = (level, msg) => process.stderr.write(`${level === 'info' ? '' : `${level}: `}${msg}\n`);

/**
 * An AbortSignal raised by the first SIGINT or SIGTERM, so a long ingest stops between articles or
 * batches and leaves the previous index as it was; a second signal exits at once.
 */
export function stopOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const ctl = new AbortController();
  const on = (sig: NodeJS.Signals) => {
    if (ctl.signal.aborted) process.exit(sig === 'SIGINT' ? 130 : 143);
    process.stderr.write(`\n${sig}: stopping; the index is left as it was…\n`);
    ctl.abort(new StoppedError(sig));
  };
  process.on('SIGINT', on);
  process.on('SIGTERM', on);
  return {
    signal: ctl.signal,
    dispose: () => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
    },
  };
}

/** An ingest stopped by a signal; the CLI exits 130 (SIGINT) or 143 (SIGTERM), as shells expect. */
export class StoppedError extends Error {
  override name = 'StoppedError';
  constructor(readonly signal: NodeJS.Signals) {
    super(`Stopped by ${signal}; the index was not changed.`);
  }
}

/**
 * Opens the engine and builds the index first when there is none (or it was made by another model, or is damaged).
 * `offThread`: a process that only answers passes the model it started loading on a worker thread
 * (embeddings/off-thread.ts); the index and the answer code load here meanwhile. An index to build,
 * or a model that did not load there, gets the in-process embedder as before.
 */
export async function openEngine(settings: EngineSettings = settingsFromEnv(), logTo: Log = log, opts: { offThread?: Promise<OffThreadEmbedder | null> | null } = {}): Promise<Engine> {
  let engine = await Engine.open(settings, logTo, opts.offThread?.then((e) => e ?? createEmbedder(settings.embedder, (m) => logTo('warn', m))));
  if ((!engine.ready || engine.modelMismatch) && 'close' in engine.embedder) {
    await Promise.all([engine.close(), (engine.embedder as OffThreadEmbedder).close()]);
    engine = await Engine.open(settings, logTo);
  }
  if (!engine.ready || engine.modelMismatch) {
    if (engine.ready) logTo('info', 'The index was built by another embedding model; re-embedding the corpus…');
    // Only when there is an index to build: a warm start loads neither the progress bar nor the ingest.
    const [{ progressReporter }, { describeReport }] = await Promise.all([import('./progress.ts'), import('../retrieval/ingest.ts')]);
    const p = progressReporter();
    const stop = stopOnSignals();
    const report = await engine.ensureIndex(p.onProgress, { signal: stop.signal }).finally(() => {
      p.stop();
      stop.dispose();
    });
    if (report) logTo('info', `Index ready: ${describeReport(report)}.`);
  }
  return engine;
}
