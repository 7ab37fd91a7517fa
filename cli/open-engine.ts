import { Engine, type Log } from '../retrieval/engine.ts';
import { describeReport } from '../retrieval/ingest.ts';
import { settingsFromEnv, type EngineSettings } from '../retrieval/settings.ts';
import { progressReporter } from './progress.ts';

export const log: Log = (level, msg) => process.stderr.write(`${level === 'info' ? '' : `${level}: `}${msg}\n`);

/** Opens the engine and builds the index first when there is none (or it was made by another model). */
export async function openEngine(settings: EngineSettings = settingsFromEnv(), logTo: Log = log): Promise<Engine> {
  const engine = await Engine.open(settings, logTo);
  if (!engine.ready || engine.modelMismatch) {
    logTo('info', engine.ready ? 'The index was built by another embedding model; re-embedding the corpus…' : `Building the index from ${engine.settings.corpusDir}…`);
    const p = progressReporter();
    const report = await engine.ensureIndex(p.onProgress).finally(p.stop);
    if (report) logTo('info', `Index ready: ${describeReport(report)}.`);
  }
  return engine;
}

