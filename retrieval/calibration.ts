import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { FEATURE_NAMES, type Features } from './candidates.ts';
import { PROJECT_ROOT } from './settings.ts';

/**
 * One embedding model's fitted answer model: a logistic regression over the features of a candidate
 * quote gives the probability that it answers the question; it ranks quotes and decides refusal.
 * Written by `npm run fit` (bench/fit.ts) from the fit half of the development questions.
 */
export interface Calibration {
  model: string;
  /** BM25's weight in the first-stage fusion (dense gets the rest), chosen on SQuAD. */
  bm25Weight: number;
  bias: number;
  weights: Record<keyof Features, number>;
  /** Answer when the best quote's probability reaches this. */
  threshold: number;
  /** Below this even related reading is noise: nothing is offered. */
  relatedFloor: number;
  definitions?: Record<string, string>;
  fitted?: Record<string, unknown>;
}

export const CALIBRATION_DIR = join(PROJECT_ROOT, 'retrieval', 'calibration');

/** File name for a model id ("transformers:Xenova/all-MiniLM-L6-v2:q8" → "transformers-xenova-all-minilm-l6-v2-q8.json"). */
export function calibrationFile(modelId: string): string {
  return join(CALIBRATION_DIR, `${modelId.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.json`);
}

// Models nobody has fitted (a user's own transformers.js model, the tests' tiny one) use the default model's.
const FALLBACK = 'transformers:Xenova/all-MiniLM-L6-v2:q8';
const loaded = new Map<string, Calibration>();

export function calibrationFor(modelId: string): Calibration {
  const hit = loaded.get(modelId);
  if (hit) return hit;
  let file = calibrationFile(modelId);
  if (!existsSync(file)) file = calibrationFile(FALLBACK);
  const c = JSON.parse(readFileSync(file, 'utf8')) as Calibration;
  for (const f of FEATURE_NAMES) if (typeof c.weights[f] !== 'number') throw new Error(`${file} has no weight for feature ${f}; re-run npm run fit.`);
  loaded.set(modelId, c);
  return c;
}

export function probability(c: Pick<Calibration, 'bias' | 'weights'>, f: Features): number {
  let z = c.bias;
  for (const name of FEATURE_NAMES) z += c.weights[name] * f[name];
  return 1 / (1 + Math.exp(-z));
}
