import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { agreement, knownOnnx, loadReference, MINILM, MINILM_ONNX, modelCacheDir, sha256File } from '../embeddings/model-files.ts';
import { loadTransformersEmbedder } from '../embeddings/transformers.ts';
import { Engine } from '../retrieval/engine.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { SEED_CORPUS } from './helpers/seed.ts';

const cacheDir = modelCacheDir();
const onnx = join(cacheDir, MINILM, MINILM_ONNX);

describe('the real default model, all-MiniLM-L6-v2 (installed by npm run fetch-model)', async () => {
  // A missing model is a failure, not a skip: the default model must be tested for real.
  if (!existsSync(onnx)) throw new Error(`${onnx} is missing: run \`npm run fetch-model\` (npm test runs it as pretest).`);
  const embedder = await loadTransformersEmbedder({ model: MINILM, cacheDir, modelDir: null, allowRemote: false, dtype: 'q8' });
  const indexDir = mkdtempSync(join(tmpdir(), 'minilm-index-'));
  afterAll(() => rmSync(indexDir, { recursive: true, force: true }));

  it('is one of the known-good ONNX files', async () => {
    const sha = await sha256File(onnx);
    expect(knownOnnx(sha), `unknown sha256 ${sha}: run \`npm run fetch-model\` to replace it`).toBeDefined();
  });

  it('agrees with the PyTorch sentence-transformers model on every reference sentence (cosine ≥ 0.99)', async () => {
    const ref = loadReference();
    expect(ref.sentences.length).toBeGreaterThanOrEqual(10);
    const { cosines } = await agreement(embedder, ref);
    for (const [i, c] of cosines.entries()) expect(c, ref.sentences[i]).toBeGreaterThanOrEqual(0.99);
  });

  it('has the MiniLM shape and tokenizer', async () => {
    expect(embedder.id).toBe('transformers:Xenova/all-MiniLM-L6-v2:q8');
    expect(embedder.dim).toBe(384);
    expect(embedder.maxTokens).toBe(256);
    // [CLS] hello world [SEP]; a rare name splits into word pieces.
    expect(embedder.countTokens('hello world')).toBe(4);
    expect(embedder.countTokens('Bhadrakumar')).toBeGreaterThan(3);
    const [a, b, c] = await embedder.embed(['UK railway workers go on strike', 'Train staff in Britain walk out', 'Gold reserves of the central bank']);
    const dot = (x: Float32Array, y: Float32Array) => x.reduce((s, v, i) => s + v * y[i]!, 0);
    // Paraphrases with no word in common score above an unrelated sentence: meaning, not word overlap.
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!) + 0.2);
  });

  it('indexes the seed corpus and answers a factual question by quoting the right article', async () => {
    const settings = settingsFromEnv({
      EMBEDDING_ENGINE: 'transformers',
      CORPUS_DIR: SEED_CORPUS,
      INDEX_DIR: indexDir,
      MODEL_CACHE_DIR: cacheDir,
      ALLOW_MODEL_DOWNLOAD: 'false',
    });
    const engine = await Engine.open(settings, () => {}, embedder);
    const report = await engine.ensureIndex();
    expect(report?.changed).toBe(true);
    expect(engine.ready).toBe(true);
    const a = await engine.ask('How long is the national strike by UK railway workers?');
    expect(a.answered).toBe(true);
    const top = a.passages[0]!;
    expect(top.article.title).toBe('Railway Workers in the UK Organize Three-Day National Strike');
    expect(engine.article(top.article.id)!.text.slice(top.start, top.end)).toBe(top.quote);
    expect(top.quote).toContain('June 21, 23 and 25');
  });
});
