import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { afterEach, describe, expect, it } from 'vitest';
import { Engine } from '../retrieval/engine.ts';
import { entitySpans } from '../retrieval/entities.ts';
import { corpusSentences, decodeTags, encodeTags, MAX_TAGGED_CHARS, sentenceKey, storedSpans, tagCorpus, taggerId, useSentenceTags } from '../retrieval/sentence-tags.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { currentGeneration, IndexCorruptError, loadIndex, saveIndex, STORE_VERSION, type StoredIndex } from '../retrieval/stores/embedded/store.ts';
import type { Article } from '../retrieval/types.ts';
import { rewrite } from './helpers/rewrite-generation.ts';
import { seedSettings } from './helpers/seed.ts';
import { tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));
afterEach(() => useSentenceTags(null));

const TEXT = 'Foreign affairs chief Josep Borrell met 300 farmers in Brussels on May 13, 2024. They had protested for 11 days.';
const article: Article = { id: 'f/a', title: 'A', author: 'Ann Lee is a reporter in Paris.', source: 'Src', date: '2024-05-24', url: null, standfirst: null, text: TEXT, paragraphs: [{ start: 0, end: TEXT.length, section: null }], notes: ['Ann Lee has covered Europe since 2010.'], file: 'f.txt' };

async function sample(): Promise<StoredIndex> {
  return {
    manifest: { version: STORE_VERSION, model: { id: 'model-x', dim: 2 }, chunkCount: 1, hashes: { 'f/a': 'h' }, builtAt: 'now', corpusDir: '/data/news' },
    articles: [article],
    chunks: [{ id: 'f/a#0', articleId: 'f/a', paragraph: 0, section: null, start: 0, end: TEXT.length }],
    vectors: Float32Array.from([1, 0]),
    tags: await tagCorpus([article], null),
  };
}

describe('sentence tags saved with the index', () => {
  it('hold, for every sentence of the seed index, the spans fresh tagging gives; entitySpans answers from them', async () => {
    const stored = (await loadIndex(inject('seedIndexDir')))!;
    const tags = stored.tags!;
    expect(tags.tagger).toBe(taggerId());
    const sentences = stored.articles.flatMap(corpusSentences);
    expect(sentences.length).toBeGreaterThan(250);
    expect(new Set(sentences.map(sentenceKey)).size).toBe(tags.spans.size);
    // With the table in use, a sentence's spans are the saved ones themselves (no tagging).
    new Snapshot(stored);
    const unseen = sentences.find((s) => s.includes('Network Rail'))!;
    expect(entitySpans(unseen)).toBe(tags.spans.get(sentenceKey(unseen)));
    // Without it, compromise tags each sentence afresh: the same spans, sentence by sentence.
    useSentenceTags(null);
    let spans = 0;
    for (const s of sentences) {
      const saved = tags.spans.get(sentenceKey(s));
      expect(saved, s).toEqual(entitySpans(s));
      spans += saved!.length;
    }
    expect(spans).toBeGreaterThan(500);
  });

  it('round-trip through the file, bylines and bios included', async () => {
    const tags = (await sample()).tags!;
    expect(corpusSentences(article)).toEqual([
      'Foreign affairs chief Josep Borrell met 300 farmers in Brussels on May 13, 2024.',
      'They had protested for 11 days.',
      'Ann Lee is a reporter in Paris.',
      'Ann Lee has covered Europe since 2010.',
    ]);
    const back = decodeTags(encodeTags(tags));
    expect(back).toEqual(tags);
    const types = [...back.spans.values()].flat().map((e) => e.type);
    expect(types).toEqual(expect.arrayContaining(['person', 'number', 'date', 'duration', 'place']));
  });

  it('leaves a sentence too long to tag at ingest to question time, where it is tagged as before', async () => {
    const long = `${'word '.repeat(Math.ceil(MAX_TAGGED_CHARS / 5))}in Paris on May 13, 2024.`;
    const a: Article = { ...article, text: long, paragraphs: [{ start: 0, end: long.length, section: null }], author: null, notes: [] };
    const tags = await tagCorpus([a], null);
    expect(tags.spans.size).toBe(0);
    useSentenceTags(tags);
    expect(storedSpans(long)).toBeUndefined();
    expect(entitySpans(long)).toContainEqual(expect.objectContaining({ type: 'date' }));
  });

  it('tags at most its budget of new sentences per ingest, and keeps the ones it already has', async () => {
    const all = corpusSentences(article).filter((t) => t.length <= MAX_TAGGED_CHARS);
    expect(all.length).toBeGreaterThan(2);
    const first = await tagCorpus([article], null, { budget: 2 });
    expect(first.spans.size).toBe(2);
    // The next ingest reuses those two and tags two more.
    const second = await tagCorpus([article], first, { budget: 2 });
    expect(second.spans.size).toBe(Math.min(4, new Set(all.map(sentenceKey)).size));
    for (const [key, spans] of first.spans) expect(second.spans.get(key)).toBe(spans);
  });

  it('a damaged byte in tags.json is found like in any index file, naming it and the repair', async () => {
    const dir = tmp('tags-');
    await saveIndex(dir, await sample());
    const gen = (await currentGeneration(dir))!;
    expect(Object.keys((await loadIndex(dir))!.manifest.files!)).toContain('tags.json');
    const path = join(dir, gen, 'tags.json');
    const bytes = readFileSync(path);
    bytes[Math.floor(bytes.length / 2)]! ^= 0x10;
    writeFileSync(path, bytes);
    const err = await loadIndex(dir).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(IndexCorruptError);
    expect((err as Error).message).toContain(path);
    expect((err as Error).message).toContain('npm run cli -- ingest --rebuild "/data/news"');
  });

  it('a tag file that passes its checksum but is not a table (a buggy writer) is reported damaged', async () => {
    const dir = tmp('tags-');
    await saveIndex(dir, await sample());
    const gen = (await currentGeneration(dir))!;
    const good = JSON.parse(readFileSync(join(dir, gen, 'tags.json'), 'utf8'));
    for (const bad of ['{"tagger":', JSON.stringify({ ...good, spans: good.spans.slice(1) }), JSON.stringify({ ...good, spans: [[0, 5, 2], ...good.spans.slice(1)] }), JSON.stringify({ ...good, spans: [[99, 0, 2], ...good.spans.slice(1)] })]) {
      rewrite(dir, gen, 'tags.json', bad);
      await expect(loadIndex(dir)).rejects.toThrow(/tags\.json is damaged.*ingest --rebuild/);
    }
  });

  it("another tagger's table is never used, and the next ingest tags afresh even when no article changed", async () => {
    const corpus = tmp('tags-corpus-');
    writeFileSync(join(corpus, 'a.md'), '---\ntitle: Tram Line Opens\nauthor: Ann Lee\n---\n\nMayor Jo Park opened the tram line on March 3, 2024. It cost 40 million euros.\n');
    const dir = tmp('tags-index-');
    const embedder = await tinyEmbedder();
    const engine = await Engine.open(seedSettings(dir, corpus), () => {}, embedder);
    await engine.ensureIndex();
    const first = await currentGeneration(dir);
    const tags = (await loadIndex(dir))!.tags!;
    expect(tags.tagger).toBe(taggerId());
    const sentence = 'Mayor Jo Park opened the tram line on March 3, 2024.';
    expect(tags.spans.get(sentenceKey(sentence))).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'date' })]));
    // Unchanged corpus, same tagger: nothing is written.
    await engine.ingest(corpus);
    expect(await currentGeneration(dir)).toBe(first);

    // A table made by an older entities.ts: its (wrong) spans must not answer.
    const stale = { tagger: 'older-tagger', spans: new Map([[sentenceKey(sentence), [{ type: 'place' as const, start: 0, end: 5 }]]]) };
    rewrite(dir, first!, 'tags.json', encodeTags(stale));
    expect(storedSpans(sentence)).toEqual(tags.spans.get(sentenceKey(sentence)));
    const reopened = await Engine.open(seedSettings(dir, corpus), () => {}, embedder);
    expect(reopened.ready).toBe(true);
    expect(storedSpans(sentence)).toBeUndefined();
    expect(entitySpans(sentence)).not.toContainEqual({ type: 'place', start: 0, end: 5 });
    await reopened.ingest(corpus);
    expect(await currentGeneration(dir)).not.toBe(first);
    const retagged = (await loadIndex(dir))!.tags!;
    expect(retagged.tagger).toBe(taggerId());
    expect(retagged.spans).toEqual(tags.spans);
  });
});
