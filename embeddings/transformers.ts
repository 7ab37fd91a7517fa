import { env, LogLevel, pipeline, type FeatureExtractionPipeline } from '@huggingface/transformers';
import { wordwiseCounter, type Embedder } from './embedder.ts';

export interface TransformersOptions {
  /** Hugging Face model id, e.g. Xenova/all-MiniLM-L6-v2. */
  model: string;
  /** Folder holding `<model id>/config.json, tokenizer.json, onnx/…`; searched before any download. */
  modelDir?: string | null;
  /** Where downloaded models are cached. */
  cacheDir?: string | null;
  /** Whether the model may be downloaded from the Hugging Face hub. */
  allowRemote?: boolean;
  /** q8 reads onnx/model_quantized.onnx, fp32 reads onnx/model.onnx. */
  dtype?: 'q8' | 'fp32' | 'fp16';
}

/** A transformers.js feature-extraction model, mean-pooled and normalised (sentence-transformers style). */
export async function loadTransformersEmbedder(opts: TransformersOptions): Promise<Embedder> {
  env.logLevel = LogLevel.ERROR;
  env.allowLocalModels = true;
  env.allowRemoteModels = opts.allowRemote ?? true;
  if (opts.modelDir) env.localModelPath = opts.modelDir.endsWith('/') ? opts.modelDir : `${opts.modelDir}/`;
  if (opts.cacheDir) env.cacheDir = opts.cacheDir;
  const dtype = opts.dtype ?? 'q8';
  const extractor: FeatureExtractionPipeline = await pipeline('feature-extraction', opts.model, { dtype });
  const tokenizer = extractor.tokenizer;
  const [probe] = await embedWith(extractor, ['probe']);
  const modelMax = Number(tokenizer.model_max_length) || 512;
  return {
    id: `transformers:${opts.model}:${dtype}`,
    dim: probe!.length,
    // sentence-transformers MiniLM models were trained on 256-token windows; longer input is truncated.
    maxTokens: Math.min(modelMax, 256),
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
