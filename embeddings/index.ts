import type { Embedder } from './embedder.ts';
import type { TransformersOptions } from './pipeline-setup.ts';

// The bundled model (TensorFlow.js and its weights) is loaded only when it is used.
const loadUseLite = async () => (await import('./use-lite.ts')).loadUseLite();
// transformers.js too: a CLI answering with the model on a worker thread (off-thread.ts) never loads it here.
const loadTransformersEmbedder = async (s: TransformersOptions) => (await import('./transformers.ts')).loadTransformersEmbedder(s);

export type { Embedder } from './embedder.ts';

export type EngineChoice = 'auto' | 'transformers' | 'use-lite';

export interface EmbedderSettings extends TransformersOptions {
  engine: EngineChoice;
}

/**
 * `auto` tries the transformers.js model and, when it cannot be loaded (no local files, no
 * network), falls back to the bundled USE-lite model and says so once.
 */
export async function createEmbedder(s: EmbedderSettings, log: (msg: string) => void = () => {}): Promise<Embedder> {
  if (s.engine === 'use-lite') return loadUseLite();
  try {
    return await loadTransformersEmbedder(s);
  } catch (e) {
    const reason = (e as Error).message.split('\n')[0];
    if (s.engine === 'transformers') {
      throw new Error(`Cannot load embedding model ${s.model}: ${reason}. Put its files under MODEL_DIR or allow the download.`);
    }
    log(`Embedding model ${s.model} is not available (${reason}); using the bundled Universal Sentence Encoder lite instead.`);
    return loadUseLite();
  }
}
