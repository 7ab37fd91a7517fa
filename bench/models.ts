/**
 * The default-model decision in one run: for each embedder (USE-lite, MiniLM q8, and MiniLM fp32
 * when its file is installed) the cold load (fresh process, median of --loads), ms per question
 * embedding, chunks/s on BBC News chunks, and a full /ask on the seed corpus through Engine.
 * All models embed the same chunk texts (cut with MiniLM's tokenizer, the default) and the same
 * questions, taking turns measurement by measurement; a child process measures each load.
 * Usage: npm run bench:models [-- --questions 100] [--chunks 300] [--loads 3]
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { Embedder } from '../embeddings/embedder.ts';
import { Engine } from '../retrieval/engine.ts';
import { PROJECT_ROOT, settingsFromEnv } from '../retrieval/settings.ts';
import { hasFp32, LABELS, loadBenchEmbedder, type BenchEngine } from './embedders.ts';
import { loadDevSet } from './devset.ts';
import { chunksOf, chunkText, newsArticles } from './news.ts';
import { percentile, report } from './report.ts';
import { loadSquad } from './shared-data.ts';

const { values: args } = parseArgs({ options: { questions: { type: 'string', default: '100' }, chunks: { type: 'string', default: '300' }, loads: { type: 'string', default: '3' } } });
const engines: BenchEngine[] = ['use-lite', 'minilm'];
if (hasFp32()) engines.push('minilm-fp32');
else console.error('MiniLM fp32 skipped: .cache/models/Xenova/all-MiniLM-L6-v2/onnx/model.onnx is not installed (npm run fetch-model installs q8 only).');

interface LoadReport {
  importMs: number;
  loadMs: number;
  firstEmbedMs: number;
  totalMs: number;
  rssMiB: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const p50 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 50);
const p95 = (xs: number[]) => percentile([...xs].sort((a, b) => a - b), 95);

// Questions a reader would type (SQuAD dev, spread over its articles), and BBC chunks as ingest makes them.
const squad = loadSquad().flatMap((p) => p.questions);
const nQ = Number(args.questions);
const questions = Array.from({ length: nQ }, (_, i) => squad[Math.floor((i * squad.length) / nQ)]!);
const minilm = await loadBenchEmbedder('minilm');
const bbc = newsArticles('bbc-news.jsonl');
const texts = chunksOf(bbc, minilm).flatMap((cs, i) => cs.map((c) => chunkText(bbc[i]!, c))).slice(0, Number(args.chunks));
const seedQuestions = (() => {
  const set = loadDevSet('seed-paraphrase.json');
  return [...set.answerable, ...set.nearTopic, ...set.farOff].map((x) => x.q);
})();

// Every measurement alternates between the models (rotating which goes first), so a neighbour's
// burst of CPU on this shared machine lands on all of them alike rather than on whichever ran then.
const embedders = new Map<BenchEngine, Embedder>();
for (const e of engines) embedders.set(e, e === 'minilm' ? minilm : await loadBenchEmbedder(e));
const each = async (i: number, fn: (e: BenchEngine) => Promise<void>) => {
  for (let k = 0; k < engines.length; k++) await fn(engines[(i + k) % engines.length]!);
};
const series = () => new Map(engines.map((e) => [e, [] as number[]]));
const timeInto = async (into: Map<BenchEngine, number[]>, e: BenchEngine, fn: () => Promise<unknown>) => {
  const t = performance.now();
  await fn();
  into.get(e)!.push(performance.now() - t);
};

console.error('cold loads…');
const loads = new Map(engines.map((e) => [e, [] as LoadReport[]]));
for (let i = 0; i < Number(args.loads); i++) {
  await each(i, async (e) => {
    const out = execFileSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, 'model-load.ts'), e], { encoding: 'utf8' });
    loads.get(e)!.push(JSON.parse(out.trim().split('\n').pop()!) as LoadReport);
  });
}

console.error('question and chunk embeddings…');
for (const [, emb] of embedders) for (const q of questions.slice(0, 5)) await emb.embed([q]); // warm-up
const qMs = series();
for (const [i, q] of questions.entries()) await each(i, (e) => timeInto(qMs, e, () => embedders.get(e)!.embed([q])));
const batchMs = series();
for (let i = 0; i < texts.length; i += 32) await each(i / 32, (e) => timeInto(batchMs, e, () => embedders.get(e)!.embed(texts.slice(i, i + 32)))); // ingest's batch size

console.error('seed corpus…');
const engs = new Map<BenchEngine, { engine: Engine; chunks: number; ingestS: number; dir: string }>();
for (const [e, emb] of embedders) {
  // The seed corpus indexed with this model in a scratch folder, then asked as the bot asks.
  const dir = mkdtempSync(join(tmpdir(), 'bench-models-'));
  const engine = await Engine.open({ ...settingsFromEnv({}), corpusDir: join(PROJECT_ROOT, 'data', 'corpus'), indexDir: dir }, () => {}, emb);
  const t = performance.now();
  const r = await engine.ingest();
  engs.set(e, { engine, chunks: r.chunks, ingestS: (performance.now() - t) / 1000, dir });
}
const first = series();
const repeat = series();
for (const pass of [first, repeat]) for (const [i, q] of seedQuestions.entries()) await each(i, (e) => timeInto(pass, e, () => engs.get(e)!.engine.ask(q)));

const rows = engines.map((e) => {
  const l = loads.get(e)!;
  const s = engs.get(e)!;
  rmSync(s.dir, { recursive: true, force: true });
  return {
    model: LABELS[e],
    dim: embedders.get(e)!.dim,
    'cold load s': median(l.map((x) => x.totalMs)) / 1000,
    'of which import s': median(l.map((x) => x.importMs)) / 1000,
    'RSS after load MiB': median(l.map((x) => x.rssMiB)),
    'question p50 ms': p50(qMs.get(e)!),
    'chunks/s': texts.length / (batchMs.get(e)!.reduce((a, b) => a + b, 0) / 1000),
    'seed chunks': s.chunks,
    'seed ingest s': s.ingestS,
    'ask p50 ms': p50(first.get(e)!),
    'ask p95 ms': p95(first.get(e)!),
    'repeat ask p50 ms': p50(repeat.get(e)!),
  };
});
report('models', `Embedding models (${nQ} SQuAD questions, ${texts.length} BBC chunks, ${seedQuestions.length} seed-corpus questions asked twice; cold load = fresh process, median of ${args.loads}; models interleaved)`, rows, {
  fp32: engines.includes('minilm-fp32') ? 'measured' : 'skipped: onnx/model.onnx not installed',
});
// Ratios of the default to the fallback, from the same interleaved run.
const [a, b] = [rows.find((r) => r.model === LABELS.minilm)!, rows.find((r) => r.model === LABELS['use-lite'])!];
console.log(`MiniLM q8 / USE-lite: cold load ${(a['cold load s'] / b['cold load s']).toFixed(2)}×, question embedding ${(a['question p50 ms'] / b['question p50 ms']).toFixed(2)}×, chunks/s ${(a['chunks/s'] / b['chunks/s']).toFixed(2)}×, seed ask p50 ${(a['ask p50 ms'] / b['ask p50 ms']).toFixed(2)}×, repeated ask p50 ${(a['repeat ask p50 ms'] / b['repeat ask p50 ms']).toFixed(2)}×`);
