import { describe, expect, it } from 'vitest';
import { loadOffThread } from '../embeddings/off-thread.ts';
import { loadTransformersEmbedder } from '../embeddings/transformers.ts';
import { seedSettings } from './helpers/seed.ts';
import { TINY_MODEL, tinyModelDir } from './helpers/tiny-embedder.ts';

const TEXTS = ["Who runs Britain's railways?", 'Network Rail operates and develops most of Britain’s railway infrastructure.', 'Short.', 'The strike was the biggest rail strike in the last 30 years, the union said on Tuesday.'];

describe('the model on a worker thread (CLI answering)', () => {
  it('gives the vectors the in-process model gives, bit for bit, alone and in batches', async () => {
    const opts = seedSettings('').embedder;
    const [here, there] = await Promise.all([loadTransformersEmbedder(opts), loadOffThread(opts)]);
    expect(there).not.toBeNull();
    try {
      expect([there!.id, there!.dim, there!.maxTokens]).toEqual([here.id, here.dim, here.maxTokens]);
      expect(await there!.embed(TEXTS)).toEqual(await here.embed(TEXTS));
      // Requests in flight together each get their own answer.
      const apart = await Promise.all(TEXTS.map((t) => there!.embed([t])));
      expect(apart.flat()).toEqual(await here.embed(TEXTS));
      expect(await there!.embed([])).toEqual([]);
      // It cannot chunk an ingest: that needs the in-process tokenizer.
      expect(() => there!.countTokens('a few words')).toThrow(/in-process/);
    } finally {
      await there?.close();
    }
    await expect(there!.embed(['after close'])).rejects.toThrow(/exited/);
  });

  it('resolves null when the model does not load there (the caller falls back to the in-process loader)', async () => {
    expect(await loadOffThread({ model: 'test/no-such-model', modelDir: tinyModelDir(), allowRemote: false })).toBeNull();
    const tiny = await loadOffThread({ model: TINY_MODEL, modelDir: tinyModelDir(), allowRemote: false });
    try {
      expect(tiny?.id).toBe(`transformers:${TINY_MODEL}:q8`);
    } finally {
      await tiny?.close();
    }
  });
});
