/**
 * Retrieval quality, in one run:
 *  0. the paraphrase development sets (bench/questions/seed-paraphrase*.json): fit and validation halves, together and per set;
 *  1. the seed-corpus development questions: hit@1, hit@3, MRR, refusal accuracy;
 *  2. SQuAD v1.1 dev paragraph retrieval: recall@1/@5 for BM25-only, dense-only and hybrid;
 *  3. refusal on SQuAD: answered when the question's article is indexed, refused when it is held out.
 * Usage: npm run eval [-- --engine transformers|use-lite] [-- --full] [-- --sweep] [-- --json out.json]
 *   --full   every SQuAD question instead of a ~2,000 sample; --sweep   fusion-weight and refusal-threshold tables
 *   --refusal-every N   SQuAD refusal on every Nth sampled question (default 4: 529 questions)
 *   --questions FILE    also a question set in the same format, e.g. Discord feedback (`npm run cli -- feedback --export FILE`),
 *                       asked of CORPUS_DIR indexed apart in .cache/eval; --questions-only runs that part alone
 */
import 'dotenv/config';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder, type Embedder } from '../embeddings/index.ts';
import { loadQuestionSet } from './question-set.ts';
import { rankPassages } from '../retrieval/answer.ts';
import { calibrationFor } from '../retrieval/calibration.ts';
import { chunkArticle } from '../retrieval/chunker.ts';
import { Engine } from '../retrieval/engine.ts';
import { retrieve, type RetrievalMode } from '../retrieval/search.ts';
import { settingsFromEnv } from '../retrieval/settings.ts';
import { Snapshot } from '../retrieval/stores/embedded/snapshot.ts';
import { STORE_VERSION } from '../retrieval/stores/embedded/store.ts';
import { terms } from '../retrieval/text.ts';
import type { Article, Chunk } from '../retrieval/types.ts';
import { loadSquad, sharedFile } from './shared-data.ts';
import { embedCached } from './vector-cache.ts';
import { DEV_SET_FILES, devEngine, evaluateDevSet, formatDevReport, loadDevSet, sumReports } from './devset.ts';

const { values: args } = parseArgs({ options: { full: { type: 'boolean', default: false }, sweep: { type: 'boolean', default: false }, json: { type: 'string' }, 'refusal-every': { type: 'string', default: '4' }, engine: { type: 'string' }, questions: { type: 'string' }, 'questions-only': { type: 'boolean', default: false } } });
const fold = (s: string) => s.replace(/\s+/g, ' ');

async function devQuestions(embedder: Embedder) {
  const dev = JSON.parse(readFileSync(sharedFile('eval', 'seed-dev-questions.json'), 'utf8')) as {
    questions: { q: string; expect: string; title: string }[];
    none: string[];
  };
  const engine = await devEngine(embedder);
  let hit1 = 0;
  let hit3 = 0;
  let rr = 0;
  const misses: string[] = [];
  for (const { q, expect, title } of dev.questions) {
    const a = await engine.ask(q);
    const rank = a.passages.findIndex((p) => fold(p.quote).includes(fold(expect)) && p.article.title.includes(title)) + 1;
    if (rank === 1) hit1++;
    if (rank >= 1 && rank <= 3) hit3++;
    if (rank) rr += 1 / rank;
    else misses.push(`${q} → ${a.answered ? a.passages[0]?.quote.slice(0, 80) : '(refused)'}`);
  }
  let refused = 0;
  for (const q of dev.none) if (!(await engine.ask(q)).answered) refused++;
  const n = dev.questions.length;
  return { questions: n, hit1, hit3, mrr: rr / n, unanswerable: dev.none.length, refused, misses };
}

async function squad(embedder: Embedder) {
  const paragraphs = loadSquad();
  const articles: Article[] = paragraphs.map((p, i) => ({
    id: `p${i}`, title: p.title.replaceAll('_', ' '), author: null, source: null, date: null, url: null, standfirst: null,
    text: p.context, paragraphs: [{ start: 0, end: p.context.length, section: null }], notes: [], file: 'squad',
  }));
  const chunks: Chunk[] = articles.flatMap((a) => chunkArticle(a, embedder));
  const vectors = await embedCached(embedder, chunks.map((c) => articles[Number(c.articleId.slice(1))]!.text.slice(c.start, c.end)), 'squad-chunks');
  const snap = new Snapshot({ manifest: { version: STORE_VERSION, model: { id: embedder.id, dim: embedder.dim }, chunkCount: chunks.length, hashes: {}, builtAt: '' }, articles, chunks, vectors });

  const all = paragraphs.flatMap((p, i) => p.questions.map((q) => ({ q, para: i, title: p.title })));
  const step = args.full ? 1 : Math.max(1, Math.floor(all.length / 2000));
  const sample = all.filter((_, i) => i % step === 0);
  const qv = await embedCached(embedder, sample.map((s) => s.q), 'squad-questions');
  const modes: RetrievalMode[] = ['bm25', 'dense', 'hybrid'];
  const recallOf = (mode: RetrievalMode, weight: number, keep: (i: number) => boolean) => {
    const r = { r1: 0, r5: 0 };
    let n = 0;
    sample.forEach((s, i) => {
      if (!keep(i)) return;
      n++;
      const ranked: string[] = [];
      for (const h of retrieve(snap, qv.subarray(i * embedder.dim, (i + 1) * embedder.dim), terms(s.q), 50, null, mode, weight)) {
        const id = snap.chunks[h.row]!.articleId;
        if (!ranked.includes(id)) ranked.push(id);
      }
      const rank = ranked.indexOf(`p${s.para}`) + 1;
      if (rank === 1) r.r1++;
      if (rank >= 1 && rank <= 5) r.r5++;
    });
    return { r1: r.r1 / n, r5: r.r5 / n };
  };
  const all_ = () => true;
  const recall = Object.fromEntries(modes.map((m) => [m, recallOf(m, cal.bm25Weight, all_)]));
  // The fusion weight is chosen on even-numbered questions and must hold on odd-numbered ones.
  const weights = args.sweep ? [0, 0.5, 0.6, 0.7, 0.8, 0.9, 1].map((w) => ({ w, even: recallOf('hybrid', w, (i) => i % 2 === 0), odd: recallOf('hybrid', w, (i) => i % 2 === 1) })) : [];

  // Refusal: every 4th sampled question (--refusal-every N: every Nth, for slow embedders), asked with its whole SQuAD article in the index and held out.
  // Quotes are chosen as at question time, sentences embedded with the same model.
  const top = async (v: Float32Array, q: string, allowed: Uint8Array | null) => (await rankPassages(snap, v, q, { allowed, limit: 1 }, (t) => embedder.embed(t)))[0]?.score ?? 0;
  const refusal: { indexed: number; heldOut: number }[] = [];
  const refusalEvery = Math.max(1, Number(args['refusal-every']));
  for (const [i, s] of sample.entries()) {
    if (i % refusalEvery) continue;
    const v = qv.subarray(i * embedder.dim, (i + 1) * embedder.dim);
    const mask = Uint8Array.from(snap.chunks, (c) => (paragraphs[Number(c.articleId.slice(1))]!.title === s.title ? 0 : 1));
    refusal.push({ indexed: await top(v, s.q, null), heldOut: await top(v, s.q, mask) });
  }
  const rates = (t: number) => ({
    threshold: t,
    answeredWhenIndexed: refusal.filter((r) => r.indexed >= t).length / refusal.length,
    refusedWhenHeldOut: refusal.filter((r) => r.heldOut < t).length / refusal.length,
  });
  const thresholds = args.sweep ? Array.from({ length: 13 }, (_, k) => Math.round((0.2 + k * 0.05) * 1000) / 1000).map(rates) : [];
  return { paragraphs: paragraphs.length, chunks: chunks.length, questions: sample.length, recall, weights, refusal: { questions: refusal.length, ...rates(cal.threshold) }, thresholds };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const embedder = await createEmbedder(settingsFromEnv(args.engine ? { ...process.env, EMBEDDING_ENGINE: args.engine } : process.env).embedder, (m) => process.stderr.write(`${m}\n`));
const cal = calibrationFor(embedder.id);
if (args.questions) {
  const extra = loadQuestionSet(args.questions);
  const report = await evaluateDevSet(await devEngine(embedder, settingsFromEnv().corpusDir, 'questions'), extra, 'all');
  console.log(`Question set ${args.questions} (${extra.answerable.length} answerable, ${extra.nearTopic.length + extra.farOff.length} unanswerable; asked of ${settingsFromEnv().corpusDir})`);
  console.log(formatDevReport(report));
  for (const m of report.misses) console.log(`  miss: ${m}`);
  console.log('');
  if (args['questions-only']) process.exit(0);
}
const devEng = await devEngine(embedder);
// Each set asked once per half; the totals are their sums.
const perSet = [];
for (const file of DEV_SET_FILES) {
  const set = loadDevSet(file);
  perSet.push({ file, fit: await evaluateDevSet(devEng, set, 'fit'), validation: await evaluateDevSet(devEng, set, 'validation') });
}
const para = { fit: sumReports(perSet.map((r) => r.fit), 'fit'), validation: sumReports(perSet.map((r) => r.validation), 'validation') };
const dev = await devQuestions(embedder);
const sq = await squad(embedder);
console.log(`Embedder: ${embedder.id}   (answer model: threshold ${cal.threshold}, BM25 weight ${cal.bm25Weight})\n`);
console.log(`Paraphrase development sets (bench/questions/: ${DEV_SET_FILES.join(', ')}; fitted on "fit", reported on "validation")`);
console.log(formatDevReport(para.fit));
console.log(formatDevReport(para.validation));
for (const { file, validation } of perSet) console.log(formatDevReport(validation, `validation, ${file}`));
for (const m of para.validation.misses) console.log(`  miss: ${m}`);
console.log('');
console.log(`Seed dev questions (${dev.questions} answerable, ${dev.unanswerable} unanswerable)`);
console.log(`  hit@1 ${dev.hit1}/${dev.questions}   hit@3 ${dev.hit3}/${dev.questions}   MRR ${dev.mrr.toFixed(3)}   refused ${dev.refused}/${dev.unanswerable}`);
for (const m of dev.misses) console.log(`  miss: ${m}`);
console.log(`\nSQuAD v1.1 dev paragraph retrieval (${sq.questions} questions against ${sq.paragraphs} paragraphs, ${sq.chunks} chunks)`);
console.log('  mode      recall@1  recall@5');
for (const [m, r] of Object.entries(sq.recall)) console.log(`  ${m.padEnd(8)}  ${pct(r.r1).padStart(8)}  ${pct(r.r5).padStart(8)}`);
console.log(`  (hybrid = ${cal.bm25Weight} × BM25 + ${(1 - cal.bm25Weight).toFixed(2)} × dense, normalised scores)`);
if (sq.weights.length) {
  console.log('\n  BM25 weight sweep (recall@1 / recall@5): even questions | odd questions');
  for (const { w, even, odd } of sq.weights) console.log(`  ${w.toFixed(1)}  ${pct(even.r1)} / ${pct(even.r5)}  |  ${pct(odd.r1)} / ${pct(odd.r5)}`);
}
console.log(`\nSQuAD refusal at threshold ${cal.threshold} (${sq.refusal.questions} questions): answered when indexed ${pct(sq.refusal.answeredWhenIndexed)}, refused when held out ${pct(sq.refusal.refusedWhenHeldOut)}`);
for (const t of sq.thresholds) console.log(`  threshold ${t.threshold.toFixed(3)}: answered when indexed ${pct(t.answeredWhenIndexed)}, refused when held out ${pct(t.refusedWhenHeldOut)}`);
if (args.json) writeFileSync(args.json, JSON.stringify({ embedder: embedder.id, paraphrase: { ...para, perSet }, dev, squad: sq }, null, 2));
