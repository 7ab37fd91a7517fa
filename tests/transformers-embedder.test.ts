import { AutoTokenizer } from '@huggingface/transformers';
import { describe, expect, it } from 'vitest';
import { createEmbedder } from '../embeddings/index.ts';
import { chunkArticle } from '../retrieval/chunker.ts';
import { loadCorpus } from '../retrieval/corpus.ts';
import { sourceText } from '../retrieval/types.ts';
import { SEED_CORPUS } from './helpers/seed.ts';
import { TINY_MODEL, tinyEmbedder, tinyModelDir } from './helpers/tiny-embedder.ts';
import { SHARED_MINILM } from './helpers/tiny-model.ts';

const dot = (a: Float32Array, b: Float32Array) => a.reduce((s, x, i) => s + x * b[i]!, 0);

describe('transformers.js embedder (generated tiny model, real library)', async () => {
  const embedder = await tinyEmbedder();

  it('loads the local model and reports its shape and window', () => {
    expect(embedder.id).toBe(`transformers:${TINY_MODEL}:q8`);
    expect(embedder.dim).toBe(32);
    expect(embedder.maxTokens).toBe(256);
  });

  it('counts tokens with the real MiniLM tokenizer', () => {
    // [CLS] hello world [SEP]
    expect(embedder.countTokens('hello world')).toBe(4);
    expect(embedder.countTokens('Bhadrakumar')).toBeGreaterThan(3);
  });

  it('counts word by word (memoised) exactly as the tokenizer counts whole texts', async () => {
    const tokenizer = await AutoTokenizer.from_pretrained(SHARED_MINILM);
    const { articles } = await loadCorpus(SEED_CORPUS);
    const paragraphs = articles.flatMap((a) => a.paragraphs.map((p) => a.text.slice(p.start, p.end)));
    for (const p of paragraphs) expect(embedder.countTokens(p)).toBe(tokenizer.encode(p).length);
  });

  it('embeds in batches to unit vectors; shared words score higher than unrelated text', async () => {
    const [a, b, c] = await embedder.embed(['railway workers strike in the uk', 'uk railway workers strike', 'putin and xi jinping talks']);
    for (const v of [a!, b!, c!]) expect(Math.hypot(...v)).toBeCloseTo(1, 5);
    expect(dot(a!, b!)).toBeGreaterThan(dot(a!, c!));
    expect(await embedder.embed([])).toEqual([]);
  });

  it('chunks every seed article within a small window, by the model tokenizer', async () => {
    const { articles } = await loadCorpus(SEED_CORPUS);
    for (const a of articles) {
      const chunks = chunkArticle(a, { countTokens: embedder.countTokens, maxTokens: 48, targetTokens: 32 });
      const covered = new Set<number>();
      for (const c of chunks) {
        if (c.note !== undefined) {
          // A chunk of a bio, a caption or the standfirst indexes into that text, never into the body.
          expect(c.paragraph).toBe(-1);
          expect(sourceText(a, c)).not.toBe(a.text);
          expect(embedder.countTokens(sourceText(a, c).slice(c.start, c.end))).toBeLessThanOrEqual(48);
          continue;
        }
        const text = a.text.slice(c.start, c.end);
        expect(embedder.countTokens(text)).toBeLessThanOrEqual(48);
        const para = a.paragraphs[c.paragraph]!;
        expect(c.start).toBeGreaterThanOrEqual(para.start);
        expect(c.end).toBeLessThanOrEqual(para.end);
        expect(text).toBe(text.trim());
        covered.add(c.paragraph);
      }
      // Every paragraph is reachable through at least one chunk.
      expect(covered.size).toBe(a.paragraphs.length);
    }
  });

  it('falls back to the bundled model once, with a log line, when the model is missing', async () => {
    const logs: string[] = [];
    const e = await createEmbedder({ engine: 'auto', model: 'nobody/missing-model', modelDir: tinyModelDir(), allowRemote: false }, (m) => logs.push(m));
    expect(e.id).toMatch(/^use-lite@/);
    expect(logs).toHaveLength(1);
    expect(logs[0]).toMatch(/nobody\/missing-model is not available .*Universal Sentence Encoder lite/);
  });

  it('fails clearly when transformers.js is required and the model is missing', async () => {
    await expect(createEmbedder({ engine: 'transformers', model: 'nobody/missing-model', modelDir: tinyModelDir(), allowRemote: false })).rejects.toThrow(
      /Cannot load embedding model nobody\/missing-model: .*MODEL_DIR/,
    );
  });
});
