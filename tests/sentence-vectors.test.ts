import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, inject, it } from 'vitest';
import { createEmbedder } from '../embeddings/index.ts';
import { Engine } from '../retrieval/engine.ts';
import { corpusSentences, sentenceKey } from '../retrieval/sentence-tags.ts';
import { decodeSentenceVectors, embedSentences, encodeSentenceVectors } from '../retrieval/sentence-vectors.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { currentGeneration, IndexCorruptError, loadIndex, saveIndex } from '../retrieval/stores/embedded/store.ts';
import type { Article } from '../retrieval/types.ts';
import { rewrite } from './helpers/rewrite-generation.ts';
import { seedSettings } from './helpers/seed.ts';
import { counting, tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, x, i) => Math.max(m, Math.abs(x - b[i]!)), 0);

const TEXT = 'Mayor Jo Park opened the tram line on March 3, 2024. It cost 40 million euros. Fares are free in May.';
const article: Article = { id: 'f/a', title: 'Tram', author: 'Ann Lee', source: 'Src', date: '2024-05-24', url: null, standfirst: null, text: TEXT, paragraphs: [{ start: 0, end: TEXT.length, section: null }], notes: ['Ann Lee covers transport.'], file: 'f.md' };

describe('sentence vectors saved with the index', async () => {
  // The seed index is built by the default model (MiniLM): its saved vectors must be what ask would compute.
  const minilm = await createEmbedder(seedSettings('').embedder);
  const seed = (await loadIndex(inject('seedIndexDir')))!;

  it('hold every seed-corpus sentence, each equal to the vector the model gives it now, alone or in another batch', async () => {
    const table = seed.sentences!;
    expect(table.model).toBe(minilm.id);
    expect(table.model).toBe(seed.manifest.model.id);
    const sentences = [...new Set(seed.articles.flatMap(corpusSentences))];
    expect(sentences.length).toBeGreaterThan(250);
    expect(new Set(table.vectors.keys())).toEqual(new Set(sentences.map(sentenceKey)));
    // Longest first in batches of 7: other company and other padding than at ingest (shortest first, 16).
    const order = [...sentences].sort((a, b) => b.length - a.length);
    let worst = 0;
    for (let i = 0; i < order.length; i += 7) {
      const batch = order.slice(i, i + 7);
      const fresh = await minilm.embed(batch);
      batch.forEach((s, k) => (worst = Math.max(worst, maxDiff(table.vectors.get(sentenceKey(s))!, fresh[k]!))));
    }
    const [alone] = await minilm.embed([order[0]!]);
    worst = Math.max(worst, maxDiff(table.vectors.get(sentenceKey(order[0]!))!, alone!));
    expect(worst).toBeLessThan(1e-6);
  });

  it('answer as the vectors computed on the fly do, embedding only the question; an old index without them still answers', async () => {
    // The seed index as an index saved before sentence vectors were kept.
    const old = tmp('sv-old-');
    await saveIndex(old, { ...seed, sentences: null });
    expect(Object.keys((await loadIndex(old))!.manifest.files!)).not.toContain('sentences.bin');
    const withTable = counting(minilm);
    const without = counting(minilm);
    const a = await Engine.open(seedSettings(inject('seedIndexDir')), () => {}, withTable);
    const b = await Engine.open(seedSettings(old), () => {}, without);
    expect(b.ready).toBe(true);
    const questions = ["Who runs Britain's railways?", 'When was the rail strike?', 'What did the farmers protest against?', 'How many people were killed in Rafah?'];
    for (const q of questions) {
      const before = [withTable.texts, without.texts];
      const [x, y] = [await a.ask(q), await b.ask(q)];
      expect(x, q).toEqual(y);
      expect(x.passages.length + x.related.length, q).toBeGreaterThan(0);
      if (!q.startsWith('How many')) {
        // The question itself, and no sentence; the old index embeds the best chunks' sentences.
        expect(withTable.texts - before[0]!, q).toBe(1);
        expect(without.texts - before[1]!, q).toBeGreaterThan(5);
      }
    }
  });

  it('are added by the next ingest of an old index, even when no article changed', async () => {
    const corpus = tmp('sv-corpus-');
    writeFileSync(join(corpus, 'a.md'), `---\ntitle: Tram Line Opens\nauthor: Ann Lee\n---\n\n${TEXT}\n`);
    const dir = tmp('sv-index-');
    const tiny = counting(await tinyEmbedder());
    const engine = await Engine.open(seedSettings(dir, corpus), () => {}, tiny);
    const first = await engine.ensureIndex();
    const sentences = corpusSentences((await loadIndex(dir))!.articles[0]!);
    expect(first!.sentencesEmbedded).toBe(new Set(sentences).size);
    expect(tiny.texts).toBe(first!.chunks + first!.sentencesEmbedded!);
    const stored = (await loadIndex(dir))!;
    // Unchanged corpus, same model: nothing is embedded or written.
    const gen = await currentGeneration(dir);
    expect(await engine.ingest(corpus)).toMatchObject({ changed: false, embedded: 0 });
    expect(await currentGeneration(dir)).toBe(gen);

    await saveIndex(dir, { ...stored, sentences: null });
    const reopened = await Engine.open(seedSettings(dir, corpus), () => {}, tiny);
    const report = await reopened.ingest(corpus);
    expect(report).toMatchObject({ changed: false, embedded: 0, sentencesEmbedded: new Set(sentences).size });
    const again = (await loadIndex(dir))!.sentences!;
    for (const [key, v] of stored.sentences!.vectors) expect(maxDiff(again.vectors.get(key)!, v)).toBeLessThan(1e-6);
  });

  it('a damaged byte, a wrong size or a NaN in sentences.bin is found like in any index file, naming it and the repair', async () => {
    const tiny = await tinyEmbedder();
    const { table } = await embedSentences([article], tiny, null);
    const base = { manifest: { version: 4, model: { id: tiny.id, dim: tiny.dim }, chunkCount: 1, hashes: { 'f/a': 'h' }, builtAt: 'now', corpusDir: '/data/news' }, articles: [article], chunks: [{ id: 'f/a#0', articleId: 'f/a', paragraph: 0, section: null, start: 0, end: TEXT.length }] };
    const dir = tmp('sv-damage-');
    await saveIndex(dir, { ...base, vectors: (await tiny.embed([TEXT]))[0]!, sentences: table });
    const gen = (await currentGeneration(dir))!;
    const loaded = (await loadIndex(dir))!.sentences!;
    expect(loaded.vectors.size).toBe(new Set(corpusSentences(article)).size);
    for (const [key, v] of table.vectors) expect(loaded.vectors.get(key)).toEqual(v);

    const path = join(dir, gen, 'sentences.bin');
    const good = readFileSync(path);
    const flipped = Buffer.from(good);
    flipped[100]! ^= 0x10;
    writeFileSync(path, flipped);
    const err = await loadIndex(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexCorruptError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain('npm run cli -- ingest --rebuild "/data/news"');

    const nan = new Float32Array(good.buffer.slice(good.byteOffset, good.byteOffset + good.byteLength));
    nan[5] = Number.NaN;
    for (const bad of [good.subarray(0, good.length - 4), new Uint8Array(nan.buffer)]) {
      rewrite(dir, gen, 'sentences.bin', bad);
      await expect(loadIndex(dir)).rejects.toThrow(/sentences\.bin is damaged.*ingest --rebuild/);
    }
    rewrite(dir, gen, 'sentences.bin', good);
    rewrite(dir, gen, 'sentences.json', '{"model":');
    await expect(loadIndex(dir)).rejects.toThrow(/sentences\.json is damaged \(not JSON.*ingest --rebuild/);
    rewrite(dir, gen, 'sentences.json', JSON.stringify({ model: tiny.id, dim: tiny.dim + 1, keys: [...table.vectors.keys()] }));
    await expect(loadIndex(dir)).rejects.toThrow(/sentences\.json is damaged/);
  });

  it('keeps at most its cap, reuses what the last index had, and never serves another model its vectors', async () => {
    const tiny = counting(await tinyEmbedder());
    const all = new Set(corpusSentences(article));
    expect(all.size).toBe(5);
    const first = await embedSentences([article], tiny, null, { cap: 2 });
    expect([first.table.vectors.size, first.embedded, tiny.texts]).toEqual([2, 2, 2]);
    const second = await embedSentences([article], tiny, first.table);
    expect([second.table.vectors.size, second.embedded, tiny.texts]).toEqual([5, 3, 5]);
    for (const [key, v] of first.table.vectors) expect(second.table.vectors.get(key)).toBe(v);
    const other = await embedSentences([article], { ...tiny, id: 'transformers:other:q8' }, second.table);
    expect(other.embedded).toBe(5);
    expect(decodeSentenceVectors(encodeSentenceVectors(second.table).meta, encodeSentenceVectors(second.table).bin, tiny.dim)).toEqual(second.table);

    const snapshot = (model: string) => new Snapshot({ manifest: { version: 4, model: { id: model, dim: tiny.dim }, chunkCount: 0, hashes: {}, builtAt: 'now' }, articles: [], chunks: [], vectors: new Float32Array(0), sentences: second.table });
    expect(snapshot(tiny.id).storedSentenceVector('Fares are free in May.')).toBe(second.table.vectors.get(sentenceKey('Fares are free in May.')));
    expect(snapshot('transformers:other:q8').storedSentenceVector('Fares are free in May.')).toBeUndefined();
  });
});
