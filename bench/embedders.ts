/** The embedders the benchmarks compare, loaded the way the bot loads them (offline: a bench never downloads). */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../embeddings/embedder.ts';
import { createEmbedder } from '../embeddings/index.ts';
import { MINILM } from '../embeddings/model-files.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { tinyEmbedder } from '../tests/helpers/tiny-embedder.ts';

export const BENCH_ENGINES = ['minilm', 'minilm-fp32', 'use-lite', 'tiny'] as const;
export type BenchEngine = (typeof BENCH_ENGINES)[number];

export const LABELS: Record<BenchEngine, string> = {
  minilm: 'all-MiniLM-L6-v2 q8 (default)',
  'minilm-fp32': 'all-MiniLM-L6-v2 fp32',
  'use-lite': 'USE-lite (bundled fallback)',
  tiny: 'transformers.js, generated tiny test model',
};

function minilmSettings(dtype: 'q8' | 'fp32') {
  // MODEL_CACHE_DIR is honoured, as by the bot; nothing is fetched from the hub.
  return settingsFromEnv({ EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', EMBEDDING_DTYPE: dtype, MODEL_CACHE_DIR: process.env.MODEL_CACHE_DIR }).embedder;
}

/** fp32 MiniLM is optional: `npm run fetch-model` installs only the q8 file. */
export function hasFp32(): boolean {
  const s = minilmSettings('fp32');
  return existsSync(join(s.cacheDir!, MINILM, 'onnx', 'model.onnx'));
}

export function isBenchEngine(s: string | undefined): s is BenchEngine {
  return (BENCH_ENGINES as readonly string[]).includes(s ?? '');
}

export async function loadBenchEmbedder(engine: BenchEngine): Promise<Embedder> {
  switch (engine) {
    case 'minilm':
      return createEmbedder(minilmSettings('q8'));
    case 'minilm-fp32':
      return createEmbedder(minilmSettings('fp32'));
    case 'use-lite':
      return createEmbedder({ ...minilmSettings('q8'), engine: 'use-lite' });
    case 'tiny':
      // Real transformers.js + onnxruntime with a near-free model: shows the pipeline's own overhead.
      return tinyEmbedder();
  }
}
