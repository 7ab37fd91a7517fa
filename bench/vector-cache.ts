import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
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
