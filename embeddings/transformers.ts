import { env, LogLevel, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { wordwiseCounter, type Embedder } from './embedder.ts';
import { pipelineSetup, type TransformersOptions } from './pipeline-setup.ts';

export type { TransformersOptions } from './pipeline-setup.ts';

/** A transformers.js feature-extraction model, mean-pooled and normalised (sentence-transformers style). */
export async function loadTransformersEmbedder(opts: TransformersOptions): Promise<Embedder> {
  const setup = pipelineSetup(opts);
  env.logLevel = LogLevel.ERROR;
  Object.assign(env, setup.env);
  const extractor: FeatureExtractionPipeline = await pipeline('feature-extraction', setup.model, { dtype: setup.dtype });
  const tokenizer = extractor.tokenizer;
  const [probe] = await embedWith(extractor, ['probe']);
  const modelMax = Number(tokenizer.model_max_length) || 512;
  return {
    id: setup.id,
    dim: probe!.length,
    maxTokens: Math.min(modelMax, setup.maxTokens),
    countTokens: wordwiseCounter((text) => tokenizer.encode(text).length),
    embed: (texts) => embedWith(extractor, texts),
  };
}

async function embedWith(extractor: FeatureExtractionPipeline, texts: string[]): Promise<Float32Array[]> {
  if (!texts.length) return [];
  const out = await extractor(texts, { pooling: 'mean', normalize: true });
  const [n, dim] = out.dims as [number, number];
  const data = out.data as Float32Array;
  const vectors: Float32Array[] = [];
  for (let i = 0; i < n; i++) vectors.push(data.slice(i * dim, (i + 1) * dim));
  out.dispose?.();
  return vectors;
}
