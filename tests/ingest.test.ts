import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../retrieval/engine.ts';
import { loadIndex } from '../retrieval/stores/embedded/store.ts';
import { SEED_CORPUS, seedSettings } from './helpers/seed.ts';
import { counting, tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

describe('incremental ingest', async () => {
  const base = await tinyEmbedder();

  it('embeds only what changed, replaces edited articles and deletes removed ones', async () => {
    const corpus = tmp('corpus-');
    cpSync(SEED_CORPUS, corpus, { recursive: true });
    writeFileSync(join(corpus, 'extra.md'), '---\ntitle: Tram Line Opens\n---\n\nThe new tram line opened downtown.\n');
    const index = tmp('index-');
    const embedder = counting(base);
    const engine = await Engine.open(seedSettings(index, corpus), () => {}, embedder);

    const first = await engine.ingest();
    expect(first).toMatchObject({ articles: 12, removed: [], updated: [], unchanged: 0, modelChanged: false, changed: true });
    expect(first.added).toHaveLength(12);
    expect(first.embedded).toBe(first.chunks);
    // Each chunk, and each distinct sentence once for the saved sentence vectors.
    expect(first.sentencesEmbedded).toBeGreaterThan(first.chunks);
    expect(embedder.texts).toBe(first.chunks + first.sentencesEmbedded!);

    const again = await engine.ingest();
    expect(again).toMatchObject({ embedded: 0, unchanged: 12, changed: false, added: [], updated: [], removed: [] });
    expect(embedder.texts).toBe(first.chunks + first.sentencesEmbedded!);

    writeFileSync(join(corpus, 'extra.md'), '---\ntitle: Tram Line Opens\n---\n\nThe new tram line opened downtown.\n\nFares are free in May.\n');
    rmSync(join(corpus, '000_f52d2a1b9a0e4984.txt'));
    const edited = await engine.ingest();
    expect(edited.updated).toEqual(['extra/tram-line-opens']);
    expect(edited.removed).toHaveLength(5);
    // The edited article is re-chunked whole: its two paragraphs, nothing else.
    expect(edited).toMatchObject({ articles: 7, unchanged: 6, embedded: 2 });
    // Only the new sentence; the others' vectors are the last index's.
    expect(edited.sentencesEmbedded).toBe(1);

    const stored = (await loadIndex(index))!;
    expect(stored.articles.map((a) => a.title)).not.toContain('Gaza Under Attack, Again!');
    expect(new Set(stored.chunks.map((c) => c.articleId))).toEqual(new Set(stored.articles.map((a) => a.id)));
    const tram = stored.articles.find((a) => a.title === 'Tram Line Opens')!;
    expect(tram.text).toContain('Fares are free in May.');
    expect((await engine.ask('tram fares free')).passages[0]?.quote).toBe('Fares are free in May.');
  });

  it('re-embeds everything, never mixing vectors, when the model changes', async () => {
    const index = tmp('index-');
    const a = await Engine.open(seedSettings(index), () => {}, base);
    const built = await a.ingest();
    const other = counting({ ...base, id: 'transformers:other-model:q8' });
    const b = await Engine.open(seedSettings(index), () => {}, other);
    expect(b.modelMismatch).toBe(true);
    const report = await b.ensureIndex();
    expect(report).toMatchObject({ modelChanged: true, embedded: built.chunks, unchanged: 0, sentencesEmbedded: built.sentencesEmbedded });
    expect(other.texts).toBe(built.chunks + built.sentencesEmbedded!);
    expect((await loadIndex(index))!.sentences!.model).toBe('transformers:other-model:q8');
    expect((await loadIndex(index))!.manifest.model.id).toBe('transformers:other-model:q8');
    expect(await b.ensureIndex()).toBeNull();
  });

  it('keeps answering from the old index while a re-index runs, and refuses a second one', async () => {
    const index = tmp('index-');
    const engine = await Engine.open(seedSettings(index), () => {}, base);
    await engine.ingest();
    const running = engine.ingest();
    expect(engine.isReindexing).toBe(true);
    await expect(engine.ingest()).rejects.toThrow(/already running/);
    expect((await engine.ask('railway strike')).question).toBe('railway strike');
    await running;
    expect(engine.isReindexing).toBe(false);
  });

  it('reports an empty corpus folder instead of writing an empty index', async () => {
    const engine = await Engine.open(seedSettings(tmp('index-'), tmp('corpus-')), () => {}, base);
    await expect(engine.ingest()).rejects.toThrow(/No articles found in .*Put \.txt, \.md/);
    expect(engine.ready).toBe(false);
  });
});
