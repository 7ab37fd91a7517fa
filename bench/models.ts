/**
 * The default-model decision in one run: for each embedder (USE-lite, MiniLM q8, and MiniLM fp32
 * when its file is installed) the cold load (fresh process, median of --loads), ms per question
 * embedding, chunks/s on BBC News chunks, and a full /ask on the seed corpus through Engine.
 * All models embed the same chunk texts (cut with MiniLM's tokenizer, the default) and the same
 * questions, one model after another in this process; a child process measures each load.
 * Usage: npm run bench:models [-- --questions 100] [--chunks 300] [--loads 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Engine } from '../retrieval/engine.ts';
import { PROJECT_ROOT, settingsFromEnv } from '../retrieval/settings.ts';
import { hasFp32, LABELS, loadBenchEmbedder, type BenchEngine } from './embedders.ts';
import { chunksOf, chunkText, newsArticles } from './news.ts';
import { percentile, report } from './report.ts';
import { loadSquad } from './shared-data.ts';

const { values: args } = parseArgs({ options: { questions: { type: 'string', default: '100' }, chunks: { type: 'string', default: '300' }, loads: { type: 'string', default: '3' } } });
const engines: BenchEngine[] = ['use-lite', 'minilm'];
if (hasFp32()) engines.push('minilm-fp32');
else console.error('MiniLM fp32 skipped: .cache/models/Xenova/all-MiniLM-L6-v2/onnx/model.onnx is not installed (npm run fetch-model installs q8 only).');

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);

// Questions a reader would type (SQuAD dev, spread over its articles), and BBC chunks as ingest makes them.
const squad = loadSquad().flatMap((p) => p.questions);
const nQ = Number(args.questions);
const questions = Array.from({ length: nQ }, (_, i) => squad[Math.floor((i * squad.length) / nQ)]!);
const minilm = await loadBenchEmbedder('minilm');
const bbc = newsArticles('bbc-news.jsonl');
const texts = bbc.flatMap((a, i) => chunksOf([a], minilm)[0]!.map((c) => chunkText(bbc[i]!, c))).slice(0, Number(args.chunks));
const seedQuestions = (() => {
  const set = JSON.parse(readFileSync(join(PROJECT_ROOT, 'bench', 'questions', 'seed-paraphrase.json'), 'utf8')) as Record<'answerable' | 'nearTopic' | 'farOff', { q: string }[]>;
  return [...set.answerable, ...set.nearTopic, ...set.farOff].map((x) => x.q);
})();

const rows: Record<string, string | number>[] = [];
for (const engine of engines) {
  console.error(`${LABELS[engine]}…`);
  const loads = Array.from({ length: Number(args.loads) }, () => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'model-load.ts'), engine], { encoding: 'utf8' });
    return JSON.parse(out.trim().split('\n').pop()!) as { importMs: number; loadMs: number; firstEmbedMs: number; totalMs: number; rssMiB: number };
  });
  const embedder = engine === 'minilm' ? minilm : await loadBenchEmbedder(engine);

  for (const q of questions.slice(0, 5)) await embedder.embed([q]); // warm-up
  const qMs: number[] = [];
  for (const q of questions) {
    const t = performance.now();
    await embedder.embed([q]);
    qMs.push(performance.now() - t);
  }

  await embedder.embed(texts.slice(0, 8)); // warm-up
  let t = performance.now();
  for (let i = 0; i < texts.length; i += 32) await embedder.embed(texts.slice(i, i + 32)); // ingest's batch size
  const chunksPerSec = texts.length / ((performance.now() - t) / 1000);

  // The seed corpus indexed with this model in a scratch folder, then asked as the bot asks.
  const indexDir = mkdtempSync(join(tmpdir(), 'bench-models-'));
  const engineSeed = await Engine.open({ ...settingsFromEnv({}), corpusDir: join(PROJECT_ROOT, 'data', 'corpus'), indexDir }, () => {}, embedder);
  t = performance.now();
  const ingest = await engineSeed.ingest();
  const ingestS = (performance.now() - t) / 1000;
  const first: number[] = [];
  const repeat: number[] = [];
  for (const pass of [first, repeat]) {
    for (const q of seedQuestions) {
      const t0 = performance.now();
      await engineSeed.ask(q);
      pass.push(performance.now() - t0);
    }
  }
  rmSync(indexDir, { recursive: true, force: true });

  rows.push({
    model: LABELS[engine],
    dim: embedder.dim,
    'cold load s': median(loads.map((l) => l.totalMs)) / 1000,
    'of which import s': median(loads.map((l) => l.importMs)) / 1000,
    'RSS after load MiB': median(loads.map((l) => l.rssMiB)),
    'question p50 ms': p50(qMs),
    'chunks/s': chunksPerSec,
    'seed chunks': ingest.chunks,
    'seed ingest s': ingestS,
    'ask p50 ms': p50(first),
    'ask p95 ms': p95(first),
    'repeat ask p50 ms': p50(repeat),
  });
}
report('models', `Embedding models (${nQ} SQuAD questions, ${texts.length} BBC chunks, ${seedQuestions.length} seed-corpus questions asked twice; cold load = fresh process, median of ${args.loads})`, rows, {
  fp32: engines.includes('minilm-fp32') ? 'measured' : 'skipped: onnx/model.onnx not installed',
});
