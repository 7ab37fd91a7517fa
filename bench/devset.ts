import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Embedder } from '../embeddings/embedder.ts';
import type { Candidate } from '../retrieval/answer.ts';
import type { Calibration } from '../retrieval/calibration.ts';
import { Engine } from '../retrieval/engine.ts';
import { PROJECT_ROOT, settingsFromEnv } from '../retrieval/settings.ts';
import type { Passage } from '../retrieval/types.ts';

/** The paraphrase development sets (bench/questions/seed-paraphrase*.json): half of each to fit on, half to report. */
export type Split = 'fit' | 'validation';

export interface DevQuestion {
  q: string;
  expect: string;
  title: string;
  type: string;
  style: string;
  split: Split;
}

export interface DevSet {
  answerable: DevQuestion[];
  nearTopic: { q: string; title: string; why: string; split: Split }[];
  farOff: { q: string; split: Split }[];
}

const QUESTIONS = join(PROJECT_ROOT, 'bench', 'questions');
/** The sets, each written by a different hand; every one is split fit / validation on its own. */
export const DEV_SET_FILES = readdirSync(QUESTIONS).filter((f) => /^seed-paraphrase.*\.json$/.test(f)).sort();

export function loadDevSet(file?: string): DevSet {
  const sets = (file ? [file] : DEV_SET_FILES).map((f) => JSON.parse(readFileSync(join(QUESTIONS, f), 'utf8')) as DevSet);
  return { answerable: sets.flatMap((s) => s.answerable), nearTopic: sets.flatMap((s) => s.nearTopic), farOff: sets.flatMap((s) => s.farOff) };
}

// Matching folds every run of white space (no-break spaces included) to one space.
const fold = (s: string) => s.replace(/\s+/g, ' ');

export function answers(p: Pick<Passage, 'quote' | 'article'>, expect: string, title: string): boolean {
  return fold(p.quote).includes(fold(expect)) && p.article.title.includes(title);
}

export function candidateAnswers(c: Candidate, expect: string, title: string): boolean {
  return fold(c.source.slice(c.window.start, c.window.end)).includes(fold(expect)) && c.article.title.includes(title);
}

/** A corpus (default: the seed corpus) indexed with `embedder` in a cache folder of its own (rebuilt when the model changes). */
export async function devEngine(embedder: Embedder, corpusDir = join(PROJECT_ROOT, 'data', 'corpus'), name = 'dev'): Promise<Engine> {
  const slug = embedder.id.replace(/[^a-z0-9]+/gi, '-');
  const settings = { ...settingsFromEnv(), corpusDir, indexDir: join(PROJECT_ROOT, '.cache', 'eval', `${name}-index-${slug}`) };
  const engine = await Engine.open(settings, () => {}, embedder);
  await engine.ensureIndex();
  return engine;
}

export interface DevReport {
  split: Split | 'all';
  answerable: number;
  hit1: number;
  hit3: number;
  refusedAnswerable: number;
  nearTopic: number;
  refusedNearTopic: number;
  farOff: number;
  refusedFarOff: number;
  misses: string[];
}

/** hit@1/@3 over the passages the bot would show, and refusals, for one split. */
export async function evaluateDevSet(engine: Engine, set: DevSet, split: Split | 'all', calibration?: Calibration): Promise<DevReport> {
  const keep = <T extends { split: Split }>(xs: T[]) => xs.filter((x) => split === 'all' || x.split === split);
  const r: DevReport = { split, answerable: 0, hit1: 0, hit3: 0, refusedAnswerable: 0, nearTopic: 0, refusedNearTopic: 0, farOff: 0, refusedFarOff: 0, misses: [] };
  const ask = (q: string) => engine.ask(q, calibration ? { calibration } : {});
  for (const d of keep(set.answerable)) {
    const a = await ask(d.q);
    r.answerable++;
    if (!a.answered) r.refusedAnswerable++;
    const rank = a.passages.findIndex((p) => answers(p, d.expect, d.title)) + 1;
    if (rank === 1) r.hit1++;
    if (rank >= 1 && rank <= 3) r.hit3++;
    else r.misses.push(`${d.q} [want "${d.expect}"] → ${a.answered ? `“${a.passages[0]?.quote.slice(0, 90)}”` : '(refused)'}`);
  }
  for (const d of keep(set.nearTopic)) {
    r.nearTopic++;
    if (!(await ask(d.q)).answered) r.refusedNearTopic++;
  }
  for (const d of keep(set.farOff)) {
    r.farOff++;
    if (!(await ask(d.q)).answered) r.refusedFarOff++;
  }
  return r;
}

/** Reports of the same split over several sets, added up (each question was asked once, in its own set). */
export function sumReports(rs: DevReport[], split: DevReport['split']): DevReport {
  const out: DevReport = { split, answerable: 0, hit1: 0, hit3: 0, refusedAnswerable: 0, nearTopic: 0, refusedNearTopic: 0, farOff: 0, refusedFarOff: 0, misses: [] };
  for (const r of rs) {
    for (const k of ['answerable', 'hit1', 'hit3', 'refusedAnswerable', 'nearTopic', 'refusedNearTopic', 'farOff', 'refusedFarOff'] as const) out[k] += r[k];
    out.misses.push(...r.misses);
  }
  return out;
}

export function formatDevReport(r: DevReport, label: string = r.split): string {
  const pct = (a: number, b: number) => `${a}/${b} (${((a / Math.max(b, 1)) * 100).toFixed(0)}%)`;
  return [
    `  ${label}: hit@1 ${pct(r.hit1, r.answerable)}   hit@3 ${pct(r.hit3, r.answerable)}   answerable refused ${pct(r.refusedAnswerable, r.answerable)}`,
    `  near-topic unanswerable refused ${pct(r.refusedNearTopic, r.nearTopic)}   far-off refused ${pct(r.refusedFarOff, r.farOff)}`,
  ].join('\n');
}
