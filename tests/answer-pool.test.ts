import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AnswerPool, BUSY } from '../bot/answer-pool.ts';
import { Engine } from '../retrieval/engine.ts';
import { UserError } from '../retrieval/errors.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { TINY_MODEL, tinyModelDir } from './helpers/tiny-embedder.ts';

const article = (title: string, body: string) => JSON.stringify({ title, author: 'Desk', date: '2024-06-01', body });

describe('answering on worker threads', () => {
  const corpus = mkdtempSync(join(tmpdir(), 'pool-corpus-'));
  // The generated tiny model keeps the threads' start-up short; the code path is the bot's.
  const settings = settingsFromEnv({ EMBEDDING_ENGINE: 'transformers', EMBEDDING_MODEL: TINY_MODEL, MODEL_DIR: tinyModelDir(), ALLOW_MODEL_DOWNLOAD: 'false', CORPUS_DIR: corpus, INDEX_DIR: mkdtempSync(join(tmpdir(), 'pool-index-')) });
  let engine: Engine;
  let pool: AnswerPool;

  beforeAll(async () => {
    writeFileSync(join(corpus, 'a.jsonl'), article('Harbour tariffs rise', 'Dockers protested when the harbour tariffs rose by a third on Monday.'));
    engine = await Engine.open(settings);
    await engine.ensureIndex();
    pool = new AnswerPool(settings, { threads: 1, maxQueue: 2 });
    await pool.warm();
  });

  afterAll(() => pool?.destroy());

  it('answers as the engine does, and reloads the index after a re-index', async () => {
    const viaPool = await pool.ask('Why did dockers protest the harbour tariffs?', { limit: 5 });
    const direct = await engine.ask('Why did dockers protest the harbour tariffs?', { limit: 5 });
    expect(viaPool).toEqual(direct);
    expect(viaPool.passages[0]?.article.title).toBe('Harbour tariffs rise');
    const id = viaPool.passages[0]!.article.id;
    expect(await pool.summary(id)).toEqual(await engine.summary(id));

    writeFileSync(join(corpus, 'b.jsonl'), article('Volcano erupts in Iceland', 'A volcano erupted near Grindavik in Iceland, and the town was evacuated at night.'));
    await engine.ingest();
    const stale = await pool.sources('volcano Iceland Grindavik evacuated', 5);
    expect(stale.map((s) => s.article.title)).not.toContain('Volcano erupts in Iceland');
    await pool.reloadIndex();
    const fresh = await pool.sources('volcano Iceland Grindavik evacuated', 5);
    expect(fresh.map((s) => s.article.title)).toContain('Volcano erupts in Iceland');
  });

  it('a question the engine refuses comes back as the same user error', async () => {
    await expect(pool.ask('   ', {})).rejects.toThrow(UserError);
    await expect(pool.ask('!!!', {})).rejects.toThrow(/in words/);
  });

  it('past the queue limit, askers are told to try again shortly; the rest are answered', async () => {
    const results = await Promise.allSettled(Array.from({ length: 12 }, (_, k) => pool.ask(`harbour tariffs ${k}`, { limit: 3 })));
    const busy = results.filter((r) => r.status === 'rejected' && r.reason instanceof UserError && r.reason.message === BUSY);
    const answered = results.filter((r) => r.status === 'fulfilled');
    expect(busy.length).toBeGreaterThan(0);
    expect(answered.length).toBeGreaterThanOrEqual(3);
    expect(busy.length + answered.length).toBe(12);
  });
});
