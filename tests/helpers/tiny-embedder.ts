import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Embedder } from '../../embeddings/embedder.ts';
import { loadTransformersEmbedder } from '../../embeddings/transformers.ts';
import { writeTinyModel } from './tiny-model.ts';

export const TINY_MODEL = 'test/tiny-bert';

/** Writes the generated tiny model to a fresh folder; returns that folder (the MODEL_DIR). */
export function tinyModelDir(): string {
  const root = mkdtempSync(join(tmpdir(), 'tiny-model-'));
  writeTinyModel(root, TINY_MODEL, 32);
  return root;
}

/** The generated model loaded through the real transformers.js pipeline. */
export async function tinyEmbedder(): Promise<Embedder> {
  return loadTransformersEmbedder({ model: TINY_MODEL, modelDir: tinyModelDir(), allowRemote: false, dtype: 'q8' });
}

/** Wraps an embedder to count what it embeds (the real embedder still does the work). */
export function counting(inner: Embedder): Embedder & { calls: number; texts: number } {
  const c = {
    ...inner,
    calls: 0,
    texts: 0,
    embed: async (texts: string[]) => {
      c.calls++;
      c.texts += texts.length;
      return inner.embed(texts);
    },
  };
  return c;
}
