import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Engine } from '../retrieval/engine.ts';
import { currentGeneration, loadIndex, STORE_VERSION } from '../retrieval/stores/embedded/store.ts';
import { rewriteManifest } from './helpers/rewrite-generation.ts';
import { seedSettings } from './helpers/seed.ts';
import { tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

/** A corpus of its own, unlike the bundled one (which CORPUS_DIR names in these tests). */
function ownCorpus(): string {
  const dir = tmp('own-corpus-');
  writeFileSync(join(dir, 'tram.md'), '---\ntitle: Tram Line Opens\n---\n\nThe new tram line opened downtown.\n\nFares are free in May.\n');
  writeFileSync(join(dir, 'bridge.md'), '---\ntitle: Bridge Closed\n---\n\nThe old bridge closed for repairs on Monday.\n');
  return dir;
}

const damage = async (index: string) => writeFileSync(join(index, (await currentGeneration(index))!, 'articles.json'), '{"trunc');

describe('repairing the index', async () => {
  const embedder = await tinyEmbedder();

  it('rebuilds a damaged index from the folder it was built from, not from CORPUS_DIR', async () => {
    const index = tmp('index-');
    const own = ownCorpus();
    await (await Engine.open(seedSettings(index), () => {}, embedder)).ingest(own);
    expect((await loadIndex(index))!.manifest.corpusDir).toBe(own);
    await damage(index);
    const logs: string[] = [];
    const engine = await Engine.open(seedSettings(index), (level, m) => logs.push(`${level}: ${m}`), embedder);
    expect(engine.ready).toBe(false);
    expect(logs.join('\n')).toMatch(/warn: Index file .*articles\.json is damaged .*ingest --rebuild/);
    const report = await engine.ensureIndex();
    expect(report?.articles).toBe(2);
    expect(logs.join('\n')).toContain(`Rebuilding the damaged index from ${own}`);
    expect(engine.articles().map((a) => a.title).sort()).toEqual(['Bridge Closed', 'Tram Line Opens']);
  });

  it('rebuilds an index an older version of the bot wrote, from its folder, saying why', async () => {
    const index = tmp('index-');
    const own = ownCorpus();
    await (await Engine.open(seedSettings(index), () => {}, embedder)).ingest(own);
    rewriteManifest(index, (await currentGeneration(index))!, (m) => {
      m.version = STORE_VERSION - 1;
    });
    const logs: string[] = [];
    const engine = await Engine.open(seedSettings(index), (level, m) => logs.push(`${level}: ${m}`), embedder);
    expect(engine.ready).toBe(false);
    await engine.ensureIndex();
    expect(logs.join('\n')).toContain(`Rebuilding the index from ${own}, the folder it was built from: an older version of the bot wrote it`);
    expect((await loadIndex(index))!.manifest.version).toBe(STORE_VERSION);
    expect(engine.articles()).toHaveLength(2);
  });

  it('stops, naming both folders, when the folder it was built from is gone', async () => {
    const index = tmp('index-');
    const own = ownCorpus();
    await (await Engine.open(seedSettings(index), () => {}, embedder)).ingest(own);
    await damage(index);
    rmSync(own, { recursive: true });
    const engine = await Engine.open(seedSettings(index), () => {}, embedder);
    const err = (await engine.ensureIndex().then(() => null, (e: unknown) => e)) as Error;
    expect(err.message).toContain(own);
    expect(err.message).toContain(seedSettings(index).corpusDir);
    expect(err.message).toMatch(/not replaced by CORPUS_DIR .* silently/);
    // Nothing was rebuilt from the other corpus.
    await expect(loadIndex(index)).rejects.toThrow(/damaged/);
  });

  it('does not finish a stopped first ingest from another folder', async () => {
    const index = tmp('index-');
    const own = ownCorpus();
    const first = await Engine.open(seedSettings(index), () => {}, embedder);
    // Stopped during its first ingest (as a kill would), before anything was saved.
    const stop = new AbortController();
    await expect(
      first.ingest(own, (_done, _total, phase) => {
        if (phase === 'chunking') stop.abort();
      }, { signal: stop.signal }),
    ).rejects.toThrow(/abort/i);
    expect(existsSync(join(index, 'CURRENT'))).toBe(false);
    const engine = await Engine.open(seedSettings(index), () => {}, embedder);
    const err = (await engine.ensureIndex().then(() => null, (e: unknown) => e)) as Error;
    expect(err.message).toMatch(/An ingest of .* was stopped before it finished/);
    expect(err.message).toContain(own);
    expect(err.message).toContain(seedSettings(index).corpusDir);
    expect(engine.ready).toBe(false);
    // Finishing it as told works, and clears the note.
    await engine.ingest(own);
    expect(existsSync(join(index, 'PENDING'))).toBe(false);
  });

  it('with no index yet, says it builds one from CORPUS_DIR', async () => {
    const logs: string[] = [];
    const engine = await Engine.open(seedSettings(tmp('index-')), (level, m) => logs.push(`${level}: ${m}`), embedder);
    await engine.ensureIndex();
    expect(logs.join('\n')).toMatch(/No index in .* yet; building it from .*data\/corpus/);
  });
});
