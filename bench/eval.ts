/**
 * Retrieval quality, in one run:
 *  1. the seed-corpus development questions: hit@1, hit@3, MRR, refusal accuracy;
 *  2. SQuAD v1.1 dev paragraph retrieval: recall@1/@5 for BM25-only, dense-only and hybrid;
 *  3. refusal on SQuAD: answered when the question's article is indexed, refused when it is held out.
 * Usage: npm run eval [-- --full] [-- --json out.json]
 */
import 'dotenv/config';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbedder, type Embedder } from '../embeddings/index.ts';
import { findPassages } from '../retrieval/answer.ts';
import { chunkArticle } from '../retrieval/chunker.ts';
import { Engine } from '../retrieval/engine.ts';
import { retrieve, type RetrievalMode } from '../retrieval/search.ts';
import { PROJECT_ROOT, settingsFromEnv } from '../retrieval/settings.ts';
import { Snapshot } from '../retrieval/snapshot.ts';
import { STORE_VERSION } from '../retrieval/store.ts';
import { terms } from '../retrieval/text.ts';
import type { Article, Chunk } from '../retrieval/types.ts';
import { loadSquad, sharedFile } from './shared-data.ts';
import { embedCached } from './vector-cache.ts';

const { values: args } = parseArgs({ options: { full: { type: 'boolean', default: false }, json: { type: 'string' } } });
const fold = (s: string) => s.replace(/\s+/g, ' ');

async function devQuestions(embedder: Embedder) {
  const dev = JSON.parse(readFileSync(sharedFile('eval', 'seed-dev-questions.json'), 'utf8')) as {
    questions: { q: string; expect: string; title: string }[];
    none: string[];
  };
  const settings = { ...settingsFromEnv(), indexDir: join(PROJECT_ROOT, '.cache', 'eval', 'dev-index') };
  const engine = await Engine.open(settings, () => {}, embedder);
  await engine.ensureIndex();
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
  const recall = Object.fromEntries(modes.map((m) => [m, { r1: 0, r5: 0 }]));
  sample.forEach((s, i) => {
    const v = qv.subarray(i * embedder.dim, (i + 1) * embedder.dim);
    for (const mode of modes) {
      const ranked: string[] = [];
      for (const h of retrieve(snap, v, terms(s.q), 50, null, mode)) {
        const id = snap.chunks[h.row]!.articleId;
        if (!ranked.includes(id)) ranked.push(id);
      }
      const rank = ranked.indexOf(`p${s.para}`) + 1;
      if (rank === 1) recall[mode]!.r1++;
      if (rank >= 1 && rank <= 5) recall[mode]!.r5++;
    }
  });
  for (const m of modes) {
    recall[m]!.r1 /= sample.length;
    recall[m]!.r5 /= sample.length;
  }

  // Refusal: every 4th sampled question, asked with its whole SQuAD article in the index and held out.
  const refusalSample = sample.filter((_, i) => i % 4 === 0);
  let answered = 0;
  let refused = 0;
  refusalSample.forEach((s) => {
    const v = qv.subarray(sample.indexOf(s) * embedder.dim, (sample.indexOf(s) + 1) * embedder.dim);
    if (findPassages(snap, v, s.q, { allowed: null }).answered) answered++;
    const mask = Uint8Array.from(snap.chunks, (c) => (paragraphs[Number(c.articleId.slice(1))]!.title === s.title ? 0 : 1));
    if (!findPassages(snap, v, s.q, { allowed: mask }).answered) refused++;
  });
  return { paragraphs: paragraphs.length, chunks: chunks.length, questions: sample.length, recall, refusal: { questions: refusalSample.length, answeredWhenIndexed: answered / refusalSample.length, refusedWhenHeldOut: refused / refusalSample.length } };
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const embedder = await createEmbedder(settingsFromEnv().embedder, (m) => process.stderr.write(`${m}\n`));
const dev = await devQuestions(embedder);
const sq = await squad(embedder);
console.log(`Embedder: ${embedder.id}\n`);
console.log(`Seed dev questions (${dev.questions} answerable, ${dev.unanswerable} unanswerable)`);
console.log(`  hit@1 ${dev.hit1}/${dev.questions}   hit@3 ${dev.hit3}/${dev.questions}   MRR ${dev.mrr.toFixed(3)}   refused ${dev.refused}/${dev.unanswerable}`);
for (const m of dev.misses) console.log(`  miss: ${m}`);
console.log(`\nSQuAD v1.1 dev paragraph retrieval (${sq.questions} questions against ${sq.paragraphs} paragraphs, ${sq.chunks} chunks)`);
console.log('  mode      recall@1  recall@5');
for (const [m, r] of Object.entries(sq.recall)) console.log(`  ${m.padEnd(8)}  ${pct(r.r1).padStart(8)}  ${pct(r.r5).padStart(8)}`);
console.log(`\nSQuAD refusal (${sq.refusal.questions} questions): answered when indexed ${pct(sq.refusal.answeredWhenIndexed)}, refused when held out ${pct(sq.refusal.refusedWhenHeldOut)}`);
if (args.json) writeFileSync(args.json, JSON.stringify({ embedder: embedder.id, dev, squad: sq }, null, 2));
