import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../embeddings/embedder.ts';
import { PROJECT_ROOT } from '../retrieval/settings.ts';

/** Embeds texts, caching the vectors on disk per model so re-running an evaluation is quick. */
export async function embedCached(embedder: Embedder, texts: string[], label: string, batch = 32): Promise<Float32Array> {
  const key = createHash('sha256').update(embedder.id).update('\0').update(texts.join('\0')).digest('hex').slice(0, 24);
  const dir = join(PROJECT_ROOT, '.cache', 'eval');
  const file = join(dir, `${label}-${key}.f32`);
  try {
    const buf = readFileSync(file);
    return new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
  } catch {
    // not cached yet
  }
  const out = new Float32Array(texts.length * embedder.dim);
  for (let i = 0; i < texts.length; i += batch) {
    const vs = await embedder.embed(texts.slice(i, i + batch));
    vs.forEach((v, k) => out.set(v, (i + k) * embedder.dim));
    if (process.stderr.isTTY) process.stderr.write(`\r${label}: ${Math.min(i + batch, texts.length)}/${texts.length}`);
  }
  if (process.stderr.isTTY) process.stderr.write('\n');
  mkdirSync(dir, { recursive: true });
  writeFileSync(file, new Uint8Array(out.buffer));
  return out;
}

export interface ResumableResult {
  vectors: Float32Array;
  /** Rows taken from the cache / embedded by this call. */
  reused: number;
  embedded: number;
  /** Embedding time of this call, and of all cached rows together (summed over the runs that made them). */
  ms: number;
  totalMs: number;
}

interface ResumableMeta {
  model: string;
  dim: number;
  /** sha256 prefix of each embedded text, in row order. */
  hashes: string[];
  totalMs: number;
}

const textHash = (t: string) => createHash('sha256').update(t).digest('hex').slice(0, 16);

/**
 * Like embedCached, for corpora that take many minutes: the rows are checkpointed about once a
 * minute, so an interrupted run resumes where it stopped, and a call whose texts start like the
 * cached ones (a smaller or larger prefix of the same corpus) reuses those rows.
 * Files: .cache/vectors/<label>-<model>.{f32,json}.
 */
export async function embedResumable(embedder: Embedder, texts: string[], label: string, batch = 32): Promise<ResumableResult> {
  const dir = join(PROJECT_ROOT, '.cache', 'vectors');
  const base = join(dir, `${label}-${embedder.id.replace(/[^a-z0-9]+/gi, '-')}`);
  const dim = embedder.dim;
  const hashes = texts.map(textHash);
  let meta: ResumableMeta = { model: embedder.id, dim, hashes: [], totalMs: 0 };
  let cached = new Float32Array(0);
  try {
    const m = JSON.parse(readFileSync(`${base}.json`, 'utf8')) as ResumableMeta;
    const buf = readFileSync(`${base}.f32`);
    if (m.model === embedder.id && m.dim === dim && buf.byteLength === m.hashes.length * dim * 4) {
      meta = m;
      cached = new Float32Array(buf.buffer, buf.byteOffset, buf.byteLength / 4);
    }
  } catch {
    // nothing cached yet
  }
  let reused = 0;
  while (reused < texts.length && meta.hashes[reused] === hashes[reused]) reused++;
  const out = new Float32Array(texts.length * dim);
  out.set(cached.subarray(0, reused * dim));
  if (reused === texts.length) return { vectors: out, reused, embedded: 0, ms: 0, totalMs: meta.totalMs * (reused / meta.hashes.length) };

  mkdirSync(dir, { recursive: true });
  const prevMs = meta.totalMs * (reused / Math.max(meta.hashes.length, 1));
  const start = performance.now();
  let saved = performance.now();
  const save = (done: number) => {
    // Written beside, then renamed: a kill mid-write leaves the previous checkpoint readable.
    writeFileSync(`${base}.f32.tmp`, new Uint8Array(out.buffer, 0, done * dim * 4));
    writeFileSync(`${base}.json.tmp`, JSON.stringify({ model: embedder.id, dim, hashes: hashes.slice(0, done), totalMs: prevMs + performance.now() - start } satisfies ResumableMeta));
    renameSync(`${base}.f32.tmp`, `${base}.f32`);
    renameSync(`${base}.json.tmp`, `${base}.json`);
    saved = performance.now();
    const rate = (done - reused) / ((performance.now() - start) / 1000);
    console.error(`${label}: ${done}/${texts.length} embedded (${rate.toFixed(1)} chunks/s, about ${((texts.length - done) / rate / 60).toFixed(1)} min left)`);
  };
  for (let i = reused; i < texts.length; i += batch) {
    const vs = await embedder.embed(texts.slice(i, i + batch));
    vs.forEach((v, k) => out.set(v, (i + k) * dim));
    if (performance.now() - saved > 60_000) save(Math.min(i + batch, texts.length));
  }
  const ms = performance.now() - start;
  save(texts.length);
  return { vectors: out, reused, embedded: texts.length - reused, ms, totalMs: prevMs + ms };
}
