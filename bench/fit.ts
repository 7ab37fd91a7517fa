/**
 * Fits the answer model (retrieval/calibration/<model>.json) for the configured embedding model:
 * a logistic regression over candidate-quote features, on the FIT halves of the paraphrase
 * development sets only; the validation half is reported by `npm run eval`, never fitted on.
 * Usage: npm run fit [-- --engine transformers|use-lite] [-- --bm25-weight 0.7] [-- --cv] [-- --threshold-only]   (or EMBEDDING_ENGINE / EMBEDDING_MODEL)
 *   --cv               also print 4-fold cross-validated hit@3 of the candidate ranking within the fit half, per L2 strength
 *   --threshold-only   keep the weights; recompute only the threshold and the related-reading floor (same rule)
 */
import 'dotenv/config';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { createEmbedder } from '../embeddings/index.ts';
import type { Candidate } from '../retrieval/answer.ts';
import { calibrationFile, type Calibration } from '../retrieval/calibration.ts';
import { FEATURE_DEFINITIONS, FEATURE_NAMES, type Features } from '../retrieval/candidates.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { candidateAnswers, DEV_SET_FILES, devEngine, evaluateDevSet, formatDevReport, loadDevSet } from './devset.ts';
import { fitLogistic } from './logistic.ts';

const { values: args } = parseArgs({ options: { 'bm25-weight': { type: 'string' }, rounds: { type: 'string', default: '2' }, engine: { type: 'string' }, cv: { type: 'boolean', default: false }, 'threshold-only': { type: 'boolean', default: false } } });
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
for (let round = 0; round < (args['threshold-only'] ? 0 : Number(args.rounds)); round++) {
  const perQuestion: { rows: number[][]; labels: number[]; answerable: boolean }[] = [];
  for (const f of fitQuestions) {
    const cs = (await engine.candidates(f.q, { calibration: cal, limit: 5 })).slice(0, 60);
    perQuestion.push({ rows: cs.map((c) => FEATURE_NAMES.map((n) => c.features[n])), labels: cs.map((c) => (f.label(c) ? 1 : 0)), answerable: f.answerable });
  }
  const rows = perQuestion.flatMap((x) => x.rows);
  const labels = perQuestion.flatMap((x) => x.labels);
  if (args.cv && round === Number(args.rounds) - 1) crossValidate(perQuestion.filter((x) => x.answerable));
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
  fitted: args['threshold-only']
    ? { ...start.fitted, threshold: `threshold and relatedFloor recomputed ${new Date().toISOString().slice(0, 10)} by npm run fit -- --threshold-only on bench/questions/${DEV_SET_FILES.join(', ')}, split "fit" (${fitQuestions.length} questions; weights unchanged)` }
    : { on: `bench/questions/${DEV_SET_FILES.join(', ')}, split "fit"`, questions: fitQuestions.length, date: new Date().toISOString().slice(0, 10), by: 'npm run fit' },
};
writeFileSync(file, `${JSON.stringify(cal, null, 1)}\n`);
console.log(`Wrote ${file}`);
for (const split of ['fit', 'validation'] as const) console.log(formatDevReport(await evaluateDevSet(engine, set, split, cal)));

function round4(x: number): number {
  return Math.round(x * 1e4) / 1e4;
}

/** Is the model's fit a property of the fit half alone? Hit@3 of held-out folds, ranking candidates by the fitted score. */
function crossValidate(qs: { rows: number[][]; labels: number[] }[]): void {
  for (const l2 of [0.001, 0.01, 0.1, 1]) {
    let hit = 0;
    for (let fold = 0; fold < 4; fold++) {
      const train = qs.filter((_, i) => i % 4 !== fold);
      const { bias, weights } = fitLogistic(train.flatMap((x) => x.rows), train.flatMap((x) => x.labels), { l2 });
      for (const x of qs.filter((_, i) => i % 4 === fold)) {
        const z = x.rows.map((r, i) => ({ z: bias + r.reduce((s, v, j) => s + v * weights[j]!, 0), y: x.labels[i]! }));
        if (z.sort((a, b) => b.z - a.z).slice(0, 3).some((t) => t.y)) hit++;
      }
    }
    console.log(`4-fold CV within the fit half, L2 ${l2}: hit@3 of candidate windows ${hit}/${qs.length}`);
  }
}
