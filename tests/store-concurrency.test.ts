import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { currentGeneration, loadIndex, saveIndex, STORE_VERSION } from '../retrieval/stores/embedded/store.ts';

type Counts = { mode: string; done: number; failed: number; errors: string[] };

function run(mode: 'writer' | 'reader', dir: string, ms: number, id: number): Promise<Counts> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'helpers', 'stress-index.ts'), mode, dir, String(ms), String(id)], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 ? resolve(JSON.parse(out) as Counts) : reject(new Error(`${mode} exited ${code}: ${out}`))));
  });
}

describe('index store under concurrency', () => {
  it('two writers and two readers in separate processes: every save and every read succeeds, and a valid index remains', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'store-stress-'));
    // Bounded: each process runs for a fixed time (a few seconds), whatever the machine's load.
    const ms = 6000;
    // A first generation, so a read before any writer's first save has something to read.
    await saveIndex(dir, { manifest: { version: STORE_VERSION, model: { id: 'm', dim: 16 }, chunkCount: 1, hashes: { a: '0' }, builtAt: '' }, articles: [{ id: 'a', title: 'Gen 0', author: null, source: null, date: null, url: null, standfirst: null, text: 'x', paragraphs: [{ start: 0, end: 1, section: null }], notes: [], file: 'a.txt' }], chunks: [{ id: 'a#0', articleId: 'a', paragraph: 0, section: null, start: 0, end: 1 }], vectors: new Float32Array(16) });
    const results = await Promise.all([run('writer', dir, ms, 1), run('writer', dir, ms, 2), run('reader', dir, ms, 3), run('reader', dir, ms, 4)]);
    const saves = results.filter((r) => r.mode === 'writer');
    const reads = results.filter((r) => r.mode === 'reader');
    const sum = (rs: Counts[], k: 'done' | 'failed') => rs.reduce((n, r) => n + r[k], 0);
    // The counts are the closing note's evidence; print them.
    console.log(`stress: ${sum(saves, 'done')} saves (${sum(saves, 'failed')} failed), ${sum(reads, 'done')} reads (${sum(reads, 'failed')} failed)`, results.flatMap((r) => r.errors).slice(0, 5));
    expect(results.flatMap((r) => r.errors)).toEqual([]);
    expect(sum(saves, 'failed') + sum(reads, 'failed')).toBe(0);
    expect(saves.every((r) => r.done > 0)).toBe(true);
    expect(sum(reads, 'done')).toBeGreaterThan(0);
    const data = await loadIndex(dir);
    expect(data).not.toBeNull();
    const tag = Number(data!.manifest.hashes.a);
    expect(data!.vectors.every((v) => v === tag)).toBe(true);
    // The current generation and at most the previous one are kept.
    const gens = readdirSync(dir).filter((n) => n.startsWith('gen-'));
    expect(gens).toContain(await currentGeneration(dir));
    expect(gens.length).toBeLessThanOrEqual(2);
  });
});
