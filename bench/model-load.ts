/**
 * Child of bench/models.ts: loads one embedder in a fresh process and prints, as JSON, how long the
 * library import, the model load and the first embedding took, and the RSS then. Nothing heavy is
 * imported statically, so the import a cold start pays is inside the measurement.
 * Usage: tsx bench/model-load.ts minilm|use-lite|minilm-fp32
 */
const t0 = performance.now();
const { isBenchEngine, loadBenchEmbedder } = await import('./embedders.ts');
const t1 = performance.now();
const engine = process.argv[2];
if (!isBenchEngine(engine)) throw new Error(`unknown engine ${engine}`);
const embedder = await loadBenchEmbedder(engine);
const t2 = performance.now();
await embedder.embed(['How many railway workers went on strike?']);
const t3 = performance.now();
console.log(JSON.stringify({ importMs: t1 - t0, loadMs: t2 - t1, firstEmbedMs: t3 - t2, totalMs: t3 - t0, rssMiB: Math.round(process.memoryUsage().rss / 2 ** 20) }));
