import { inject } from 'vitest';
import { Engine } from '../../retrieval/engine.ts';
import { PROJECT_ROOT, settingsFromEnv, type EngineSettings } from '../../retrieval/settings.ts';
import { join } from 'node:path';

export const SEED_CORPUS = join(PROJECT_ROOT, 'data', 'corpus');

/** Settings for the bundled corpus with the default model (MiniLM, installed by `npm run fetch-model`), whatever the developer's .env says. */
export function seedSettings(indexDir: string, corpusDir = SEED_CORPUS): EngineSettings {
  return settingsFromEnv({ EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', CORPUS_DIR: corpusDir, INDEX_DIR: indexDir });
}

/** The seed index built once by tests/setup/seed-index.ts. */
export async function openSeedEngine(): Promise<Engine> {
  const engine = await Engine.open(seedSettings(inject('seedIndexDir')));
  if (!engine.ready) throw new Error('seed index missing');
  return engine;
}
