/**
 * Fits the answer model (retrieval/calibration/<model>.json) for the configured embedding model:
 * a logistic regression over candidate-quote features, on the FIT half of the paraphrase
 * development set only; the validation half is reported by `npm run eval`, never fitted on.
 * Usage: npm run fit [-- --engine transformers|use-lite] [-- --bm25-weight 0.7]   (or EMBEDDING_ENGINE / EMBEDDING_MODEL)
 */
import 'dotenv/config';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEmbedder } from '../embeddings/index.ts';
import type { Candidate } from '../retrieval/answer.ts';
import { calibrationFile, type Calibration } from '../retrieval/calibration.ts';
import { FEATURE_DEFINITIONS, FEATURE_NAMES, type Features } from '../retrieval/candidates.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { candidateAnswers, devEngine, evaluateDevSet, formatDevReport, loadDevSet } from './devset.ts';
import { fitLogistic } from './logistic.ts';

const { values: args } = parseArgs({ options: { 'bm25-weight': { type: 'string' }, rounds: { type: 'string', default: '2' }, engine: { type: 'string' } } });
const embedder = await createEmbedder(settingsFromEnv(args.engine ? { ...process.env, EMBEDDING_ENGINE: args.engine } : process.env).embedder, (m) => process.stderr.write(`${m}\n`));
const file = calibrationFile(embedder.id);
const start: Calibration = existsSync(file)
  ? (JSON.parse(readFileSync(file, 'utf8')) as Calibration)
  : { model: embedder.id, bm25Weight: 0.8, bias: -4, weights: Object.fromEntries(FEATURE_NAMES.map((f) => [f, 0])) as Record<keyof Features, number>, threshold: 0.5, relatedFloor: 0.2 };
if (args['bm25-weight']) start.bm25Weight = Number(args['bm25-weight']);

const set = loadDevSet();
const engine = await devEngine(embedder);
const fitQuestions = [
  ...set.answerable.filter((d) => d.split === 'fit').map((d) => ({ q: d.q, label: (c: Candidate) => candidateAnswers(c, d.expect, d.title), answerable: true })),
  ...[...set.nearTopic, ...set.farOff].filter((d) => d.split === 'fit').map((d) => ({ q: d.q, label: () => false, answerable: false })),
];

let cal = start;
// Which chunks get their sentences embedded depends on the weights, so candidates are re-drawn after each fit.
for (let round = 0; round < Number(args.rounds); round++) {
  const rows: number[][] = [];
  const labels: number[] = [];
  for (const f of fitQuestions) {
    for (const c of (await engine.candidates(f.q, { calibration: cal, limit: 5 })).slice(0, 60)) {
      rows.push(FEATURE_NAMES.map((n) => c.features[n]));
      labels.push(f.label(c) ? 1 : 0);
    }
  }
  const { bias, weights } = fitLogistic(rows, labels, { l2: 0.01 });
  cal = { ...cal, bias, weights: Object.fromEntries(FEATURE_NAMES.map((n, i) => [n, round4(weights[i]!)])) as Record<keyof Features, number> };
  process.stderr.write(`round ${round + 1}: ${rows.length} candidates, ${labels.filter(Boolean).length} answering\n`);
}

const tops: { answerable: boolean; p: number; near: boolean }[] = [];
for (const f of fitQuestions) {
  const top = (await engine.candidates(f.q, { calibration: cal }))[0]?.p ?? 0;
  tops.push({ answerable: f.answerable, p: top, near: set.nearTopic.some((n) => n.q === f.q) });
}
// Threshold. Far-off questions separate cleanly from answerable ones; near-topic ones (the fact asked
// for is missing) overlap them on every feature we have. So: refuse far-off questions with a 20% margin,
// and never refuse more than 3% of the fit half's answerable questions (a user asked something we have).
const answerable = tops.filter((x) => x.answerable).map((x) => x.p).sort((a, b) => a - b);
const farTop = Math.max(...tops.filter((x) => !x.answerable && !x.near).map((x) => x.p), 0);
const ceiling = answerable[Math.floor(answerable.length * 0.03)] ?? 0.5;
const threshold = Math.min(Math.max(farTop * 1.2, 0.02), ceiling);
cal = {
  ...cal,
  model: embedder.id,
  bias: round4(cal.bias),
  threshold: round4(threshold),
  // Related reading is offered for near misses only, never for questions as far off as the fit half's far-off ones.
  relatedFloor: round4(Math.min(threshold * 0.9, farTop * 1.05)),
  definitions: FEATURE_DEFINITIONS,
  fitted: { on: 'bench/questions/seed-paraphrase.json, split "fit"', questions: fitQuestions.length, date: new Date().toISOString().slice(0, 10), by: 'npm run fit' },
};
writeFileSync(file, `${JSON.stringify(cal, null, 1)}\n`);
console.log(`Wrote ${file}`);
for (const split of ['fit', 'validation'] as const) console.log(formatDevReport(await evaluateDevSet(engine, set, split, cal)));

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}
