import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { chunkArticle, chunkSteps, MAX_CHUNK_CHARS, PIECE_CHARS, TOKENIZER_WINDOW } from '../retrieval/chunker.ts';
import { Engine } from '../retrieval/engine.ts';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import { loadIndex } from '../retrieval/stores/embedded/store.ts';
import type { Article } from '../retrieval/types.ts';
import { SEED_CORPUS, seedSettings } from './helpers/seed.ts';
import { tinyEmbedder } from './helpers/tiny-embedder.ts';

const tmp = (p: string) => mkdtempSync(join(tmpdir(), p));

/** Deterministic text of `n` characters: words without sentence breaks, or one run of non-space. */
function garbage(n: number, spaces: boolean): string {
  let x = 11;
  let s = '';
  while (s.length < n) {
    x = (x * 1103515245 + 12345) % 2147483648;
    s += x.toString(36) + (spaces ? ' ' : '');
  }
  return s.slice(0, n).trim();
}

const article = (text: string): Article => ({ id: 'x', title: 'X', author: null, source: null, date: null, url: null, standfirst: null, text, paragraphs: [{ start: 0, end: text.length, section: null }], notes: [], file: 'x.txt' });

describe('long paragraphs and files', async () => {
  const embedder = await tinyEmbedder();

  it.each([
    ['words with no sentence break', true],
    ['one run of non-space characters', false],
  ])('a 200 KB paragraph of %s: the tokenizer never sees more than a window, and the work comes in bounded steps', (_name, spaces) => {
    const text = garbage(200_000, spaces);
    let longest = 0;
    let fed = 0;
    const countTokens = (t: string) => {
      longest = Math.max(longest, t.length);
      fed += t.length;
      return embedder.countTokens(t);
    };
    const opts = { countTokens, maxTokens: embedder.maxTokens };
    let steps = 0;
    const gen = chunkSteps(article(text), opts);
    while (!gen.next().done) steps++;
    expect(longest).toBeLessThanOrEqual(TOKENIZER_WINDOW);
    // Linear: each character is counted a few times at most, not once per word.
    expect(fed).toBeLessThan(6 * text.length);
    expect(steps).toBeGreaterThanOrEqual(Math.floor(text.length / PIECE_CHARS));
    const chunks = chunkArticle(article(text), { countTokens: embedder.countTokens, maxTokens: embedder.maxTokens });
    let covered = 0;
    for (const c of chunks) {
      expect(c.end - c.start).toBeLessThanOrEqual(MAX_CHUNK_CHARS);
      expect(embedder.countTokens(text.slice(c.start, c.end))).toBeLessThanOrEqual(embedder.maxTokens);
      covered += text.slice(c.start, c.end).replace(/\s/g, '').length;
    }
    // Nothing is lost (no overlap without sentences, so every character is in exactly one chunk).
    expect(covered).toBe(text.replace(/\s/g, '').length);
  });

  it('an ingest reports its progress while reading and chunking too, not only while embedding', async () => {
    const corpus = tmp('corpus-');
    writeFileSync(join(corpus, 'long.txt'), `One Long Line\n\n${garbage(300_000, true)}\n`);
    const phases = new Map<string, number>();
    const engine = await Engine.open(seedSettings(tmp('index-'), corpus), () => {}, embedder);
    await engine.ingest(undefined, (_done, _total, phase = 'embedding') => phases.set(phase, (phases.get(phase) ?? 0) + 1));
    expect(phases.get('reading')).toBeGreaterThanOrEqual(1);
    expect(phases.get('chunking')).toBeGreaterThan(10);
    expect(phases.get('embedding')).toBeGreaterThan(1);
  });

  it('CLI ingest stops on SIGINT between batches, exits 130 and leaves the previous index as it was', async () => {
    const index = tmp('index-');
    const corpus = tmp('corpus-');
    cpSync(SEED_CORPUS, corpus, { recursive: true });
    const before = await Engine.open(seedSettings(index, corpus), () => {}, embedder);
    await before.ingest();
    const builtAt = (await loadIndex(index))!.manifest.builtAt;
    // Enough text that embedding it with the real model takes far longer than the test waits.
    writeFileSync(join(corpus, 'long.txt'), `One Long Line\n\n${garbage(400_000, true)}\n`);
    const child = spawn(process.execPath, ['--import', 'tsx', join(PROJECT_ROOT, 'cli', 'main.ts'), 'ingest'], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', INDEX_DIR: index, CORPUS_DIR: corpus },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let err = '';
    let sent = false;
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      if (!sent && /Embedding: \d+\/\d+ chunks/.test(err)) {
        sent = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(sent).toBe(true);
    expect(code).toBe(130);
    expect(err).toMatch(/Stopped by SIGINT; the index was not changed\./);
    expect((await loadIndex(index))!.manifest.builtAt).toBe(builtAt);
    // The lock was released: the next ingest can start at once.
    await expect(before.ingest()).resolves.toMatchObject({ added: ['long/one-long-line'] });
  });
});
