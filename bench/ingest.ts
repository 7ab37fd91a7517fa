/**
 * Ingest throughput on BBC News beside the raw embedder on the same chunks (the ceiling), peak RSS,
 * and the time of an unchanged re-ingest.
 * --sorted adds the raw embedder on the same chunks batched by length (less padding): what ingest
 * could gain by ordering its batches so.
 * Usage: npm run bench:ingest [-- --articles N] [-- --engine minilm|use-lite|tiny|minilm-fp32] [-- --sorted]
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { chunkArticle } from '../retrieval/chunker.ts';
import { loadCorpus } from '../retrieval/corpus.ts';
import { Engine } from '../retrieval/engine.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { isBenchEngine, loadBenchEmbedder } from './embedders.ts';
import { chunkText } from './news.ts';
import { peakRssMiB, report, timed } from './report.ts';
import { loadJsonl } from './shared-data.ts';

const { values: args } = parseArgs({ options: { articles: { type: 'string' }, engine: { type: 'string', default: 'minilm' }, sorted: { type: 'boolean', default: false } } });
if (!isBenchEngine(args.engine)) throw new Error(`--engine: minilm, use-lite, tiny or minilm-fp32 (got ${args.engine})`);

// `tiny` is the generated test model: real transformers.js + onnxruntime, near-zero model cost, so
// it shows the pipeline's own overhead. Not a quality model.
const embedder = await loadBenchEmbedder(args.engine);
// Real models embed ~15–25 chunks/s on 2 shared cores: the full BBC set (~15k chunks) takes 10–20 minutes.
const limit = Number(args.articles ?? (args.engine === 'tiny' ? 2225 : 300));
const records = loadJsonl('bbc-news.jsonl').slice(0, limit);
const corpusDir = mkdtempSync(join(tmpdir(), 'bench-bbc-'));
writeFileSync(join(corpusDir, 'bbc.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));
const indexDir = mkdtempSync(join(tmpdir(), 'bench-index-'));

// Ceiling: the embedder alone on exactly the chunks the ingest will embed, same batch size.
const { articles } = await loadCorpus(corpusDir);
const texts = articles.flatMap((a) => chunkArticle(a, embedder).map((c) => chunkText(a, c)));
const embedAll = async (xs: string[]) => {
  for (let i = 0; i < xs.length; i += 32) await embedder.embed(xs.slice(i, i + 32));
};
await embedder.embed(texts.slice(0, 8)); // warm-up
const [, rawMs] = await timed(() => embedAll(texts));

// Time inside the embedder during the ingest: the rest is our own overhead, a figure that a
// neighbour's CPU burst on this shared machine distorts less than the ratio of two separate runs.
let inEmbedMs = 0;
const measured = {
  ...embedder,
  embed: async (xs: string[]) => {
    const t = performance.now();
    const out = await embedder.embed(xs);
    inEmbedMs += performance.now() - t;
    return out;
  },
};
const engine = await Engine.open({ ...settingsFromEnv({}), corpusDir, indexDir }, () => {}, measured);
const [first, ingestMs] = await timed(() => engine.ingest());
const overheadMs = ingestMs - inEmbedMs;
const [again, reMs] = await timed(() => engine.ingest());
const [, sortedMs] = args.sorted ? await timed(() => embedAll([...texts].sort((a, b) => a.length - b.length))) : [null, NaN];
const peak = peakRssMiB();
rmSync(corpusDir, { recursive: true, force: true });
rmSync(indexDir, { recursive: true, force: true });

const s = (ms: number) => ms / 1000;
report(
  `ingest-${args.engine}`,
  `Ingest: ${first.articles} BBC News articles, ${first.chunks} chunks, embedder ${embedder.id}`,
  [
    { step: 'raw embedder (ceiling)', seconds: s(rawMs), 'articles/s': first.articles / s(rawMs), 'chunks/s': texts.length / s(rawMs), ratio: 1 },
    { step: 'full ingest (parse, chunk, embed, save)', seconds: s(ingestMs), 'articles/s': first.articles / s(ingestMs), 'chunks/s': first.chunks / s(ingestMs), ratio: rawMs / ingestMs },
    { step: `unchanged re-ingest (embedded ${again.embedded})`, seconds: s(reMs), 'articles/s': first.articles / s(reMs), 'chunks/s': first.chunks / s(reMs), ratio: rawMs / reMs },
    ...(args.sorted ? [{ step: 'raw embedder, batches sorted by length', seconds: s(sortedMs), 'articles/s': first.articles / s(sortedMs), 'chunks/s': texts.length / s(sortedMs), ratio: rawMs / sortedMs }] : []),
  ],
  { embedder: embedder.id, articles: first.articles, chunks: first.chunks, peakRssMiB: peak, reingestEmbedded: again.embedded, ingestEmbedSeconds: s(inEmbedMs), ingestOverheadSeconds: s(overheadMs) },
);
console.log(`peak RSS ${peak} MiB · ingest throughput ${(rawMs / ingestMs).toFixed(2)}× the raw embedder (target ≥ 0.9) · unchanged re-ingest ${s(reMs).toFixed(2)} s (target ≤ 2 s)`);
console.log(`inside the ingest: embedding ${s(inEmbedMs).toFixed(1)} s, everything else ${s(overheadMs).toFixed(1)} s → ${(inEmbedMs / ingestMs).toFixed(2)} of the time in the embedder`);
