// Kept apart from transformers.ts so that a worker's owner (off-thread.ts) sets the model up without loading transformers.js itself.

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

// sentence-transformers MiniLM models were trained on 256-token windows; longer input is truncated.
const MAX_TOKENS = 256;

/** transformers.js settings, the model and the embedder id for `opts`: the same in this thread and on a worker (off-thread.ts). */
export function pipelineSetup(opts: TransformersOptions) {
  const dtype = opts.dtype ?? 'q8';
  const env: { allowLocalModels: boolean; allowRemoteModels: boolean; localModelPath?: string; cacheDir?: string } = { allowLocalModels: true, allowRemoteModels: opts.allowRemote ?? true };
  if (opts.modelDir) env.localModelPath = opts.modelDir.endsWith('/') ? opts.modelDir : `${opts.modelDir}/`;
  if (opts.cacheDir) env.cacheDir = opts.cacheDir;
  return { id: `transformers:${opts.model}:${dtype}`, model: opts.model, dtype, env, maxTokens: MAX_TOKENS };
}

