import { createHash } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { Worker } from 'node:worker_threads';
import type * as USearch from 'usearch';
import type { StoredIndex } from './store.ts';

/**
 * Approximate nearest-neighbour search over an index generation's vectors: a USearch HNSW graph,
 * kept beside the index as a derived file that can always be rebuilt from the vectors. Below
 * ANN_MIN_CHUNKS (settings) an exact scan costs a few milliseconds and is exact, so no graph is built.
 */
const CONNECTIVITY = 16;
const EXPANSION_ADD = 128;
// Search breadth: retrieval asks for 50 neighbours, and ef must exceed k for good recall.
const EXPANSION_SEARCH = 200;

const require = createRequire(import.meta.url);
// Loaded on first use: USearch ships prebuilt binaries for Linux and macOS only, and a platform
// without one must still answer (by the exact scan), not fail to start.
let usearch: typeof USearch | null = null;
const lib = (): typeof USearch => (usearch ??= require('usearch') as typeof USearch);

const config = (dim: number) => ({
  metric: 'ip' as USearch.MetricKind,
  quantization: 'f32' as USearch.ScalarKind,
  connectivity: CONNECTIVITY,
  dimensions: dim,
  expansion_add: EXPANSION_ADD,
  expansion_search: EXPANSION_SEARCH,
  multi: false,
});

export class AnnIndex {
  private constructor(
    private readonly index: USearch.Index,
    readonly rows: number,
  ) {}

  /** Rows nearest to `q` by inner product (unit vectors: cosine), best first; `allowed` filters after the graph search. */
  search(q: Float32Array, k: number, allowed: Uint8Array | null): number[] {
    // A filter drops rows after the search, so ask for more; a selective filter falls back to the exact scan (caller).
    const want = allowed ? Math.min(this.rows, k * 8) : k;
    const m = this.index.search(q, want, 1);
    const out: number[] = [];
    for (const key of m.keys) {
      const row = Number(key);
      if (allowed && !allowed[row]) continue;
      out.push(row);
      if (out.length === k) break;
    }
    return out;
  }

  /**
   * The graph saved at `path`, if it is there, whole (its SHA-256 as written beside it) and of
   * `rows` × `dim`; null otherwise, and it is rebuilt. USearch itself must never see a damaged file:
   * it does not check, and crashes the process.
   */
  static load(path: string, rows: number, dim: number): AnnIndex | null {
    try {
      const meta = JSON.parse(readFileSync(`${path}.json`, 'utf8')) as { sha256: string; rows: number; dim: number };
      if (meta.rows !== rows || meta.dim !== dim || sha256(path) !== meta.sha256) return null;
      const index = new (lib().Index)(config(dim));
      index.load(path);
      return index.size() === rows && index.dimensions() === dim ? new AnnIndex(index, rows) : null;
    } catch {
      return null;
    }
  }

  /**
   * Builds the graph in a worker thread (the event loop keeps answering) and saves it at `path`.
   * `background`: the build does not keep the process alive (a one-shot CLI question exits when answered).
   * `threads`: USearch's insertion threads; one by default, so a bot building its graph keeps a core for answering.
   */
  static async build(vectors: Float32Array, dim: number, path: string, background = false, threads = 1): Promise<AnnIndex> {
    lib();
    mkdirSync(dirname(path), { recursive: true });
    const copy = new Float32Array(vectors);
    await new Promise<void>((resolve, reject) => {
      // Plain JavaScript, evaluated: a worker gets no TypeScript loader under every runner (vitest, tsx, node).
      const w = new Worker(BUILD_WORKER, { eval: true, workerData: { vectors: copy, dim, path, config: config(dim), module: USEARCH, threads }, transferList: [copy.buffer as ArrayBuffer] });
      if (background) w.unref();
      w.once('message', () => resolve());
      w.once('error', reject);
      w.once('exit', (code) => (code ? reject(new Error(`ANN build worker exited with code ${code}`)) : resolve()));
    });
    const ann = AnnIndex.load(path, vectors.length / dim, dim);
    if (!ann) throw new Error(`The ANN index written to ${path} does not load.`);
    return ann;
  }
}

// Resolved here: an evaluated worker resolves bare names from the working directory, not from this file.
const USEARCH = require.resolve('usearch');
const BUILD_WORKER = `
const { workerData, parentPort } = require('node:worker_threads');
const { readFileSync, renameSync, writeFileSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { vectors, dim, path, config, module, threads } = workerData;
const usearch = require(module);
const rows = vectors.length / dim;
const index = new usearch.Index(config);
const keys = new BigUint64Array(rows);
for (let i = 0; i < rows; i++) keys[i] = BigInt(i);
index.add(keys, vectors, threads);
const tmp = path + '.' + process.pid + '.' + Date.now() + '.tmp';
index.save(tmp);
const hash = createHash('sha256').update(readFileSync(tmp)).digest('hex');
writeFileSync(tmp + '.json', JSON.stringify({ sha256: hash, rows, dim }));
// The graph first, its checksum last: a reader finds either no checksum or one that matches.
renameSync(tmp, path);
renameSync(tmp + '.json', path + '.json');
parentPort.postMessage('done');
`;

/** Where a generation's graph lives: named by the generation's manifest, so a new generation never reuses an old graph. */
export function annPath(indexDir: string, data: Pick<StoredIndex, 'manifest'>): string {
  // The file checksums are left out: saving adds them, and the graph of the index just built must be found again once it is loaded.
  const { files: _files, ...manifest } = data.manifest;
  const key = createHash('sha256').update(JSON.stringify(manifest)).digest('hex').slice(0, 24);
  return join(indexDir, 'ann', `${key}.usearch`);
}

/** Removes graphs of other generations (derived files: losing one costs a rebuild, never an answer). */
export function pruneAnn(indexDir: string, keep: string): void {
  const dir = join(indexDir, 'ann');
  mkdirSync(dir, { recursive: true });
  for (const f of readdirSync(dir)) if ((f.endsWith('.usearch') || f.endsWith('.usearch.json')) && !join(dir, f).startsWith(keep)) rmSync(join(dir, f), { force: true });
}

function sha256(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}
