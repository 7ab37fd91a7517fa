import nlp from 'compromise';
import { calibrationFor, probability, type Calibration } from './calibration.ts';
import { answerContext, featuresOf, isBodyWord, paragraphOf, windowsOf, withGaps, type Features, type Window } from './candidates.ts';
import { analyzeQuestion, type QuestionAnalysis } from './question.ts';
import { PERSON_ROLES } from './entities.ts';
import { confirmFocusByMeaning } from './focus.ts';
import { onlyHedged, reportsOutcome } from './preview.ts';
import { countsTally } from './tallies.ts';
import { akin, QueryTerms } from './quotes.ts';
import type { SearchIndex } from './stores/search-index.ts';
import { namesWritten, terms } from './text.ts';
import type { Span } from './text.ts';
import { partOf } from './parts.ts';
import { metaOf, PART_LABELS, type Article, type Chunk, type Filters, type MissingFact, type Passage, type PassageKind } from './types.ts';

export interface AskOptions {
  filters?: Filters;
  /** Passages wanted; at most 25. */
  limit?: number;
  /** Precomputed chunk-row mask, used instead of `filters` (evaluation holds articles out this way). */
  allowed?: Uint8Array | null;
  /** Fitted answer model to use instead of the index model's (the fitting script passes candidates). */
  calibration?: Calibration;
}

/** Embeds sentences of the best chunks at question time, so the quote is chosen by meaning too. */
export type EmbedFn = (texts: string[]) => Promise<Float32Array[]>;

export interface Candidate {
  article: Article;
  chunk: Chunk;
  /** The part of the article the quote comes from. */
  kind: PassageKind;
  source: string;
  window: Window;
  features: Features;
  p: number;
}

const quoteOf = (c: Candidate): string => c.source.slice(c.window.start, c.window.end);
const paragraphText = (c: Candidate): string => {
  const para = paragraphOf(c.article, c.chunk);
  return c.source.slice(para.start, para.end);
};

const MAX_PER_ARTICLE = 3;
// Answer types the tagger finds reliably (numbers, dates, what someone said), so their absence is evidence;
// so is a person's for a role only a person fills ("who is the union's general secretary?"), which names usually follow,
// and the spelling-out of initials (acronyms.ts).
const MUST_HOLD = new Set<string>(['number', 'date', 'age', 'duration', 'statement']);
const CANDIDATES = 30;
// Share of a yes-or-no question's (IDF-weighted) words a quote must hold to confirm or deny it: on the
// development sets' fit halves, answered ones held 0.41 or more, unanswerable ones as little as 0.20.
const POLAR_COVERAGE = 0.35;
// Chunks whose sentences get embedded; more passages asked for means more chunks.
const SENTENCE_CHUNKS = 8;
const EMBED_BATCH = 16;
// Share of a question's (IDF-weighted) words a caption must hold to answer a question not about its photo: on the
// development sets' fit halves 0.5 and 0.65 gave the same figures, one more answered (a fact only a caption holds), none lost.
const CAPTION_COVERAGE = 0.5;

/** Every candidate quote of the question's best chunks, each with its features and probability of answering, best first. */
export async function scoreCandidates(snap: SearchIndex, q: Float32Array, question: string, opts: AskOptions, embed: EmbedFn | null, analysis: QuestionAnalysis = analyzeQuestion(question)): Promise<Candidate[]> {
  const cal = opts.calibration ?? calibrationFor(snap.modelId);
  const qTerms = terms(question);
  const weights = new QueryTerms(qTerms, await snap.termStats(qTerms));
  const scope = opts.allowed !== undefined ? { allowed: opts.allowed } : { filters: opts.filters ?? {} };
  const hits = await snap.hybrid(q, qTerms, CANDIDATES, scope, 'hybrid', cal.bm25Weight);
  // A question about the writer is answered by the bios of the articles it is about, wherever they rank.
  if (analysis.aboutAuthor) {
    const have = new Set(hits.map((h) => h.row));
    const floor = hits[hits.length - 1]?.fused ?? 0;
    const bios = [...new Set(hits.slice(0, 10).map((h) => snap.chunks[h.row]!.articleId))].flatMap((id) => (snap.bioRows.get(id) ?? []).filter((row) => !have.has(row)));
    const cosines = await snap.cosines(q, bios);
    bios.forEach((row, i) => hits.push({ row, dense: cosines[i]!, bm25: 0, fused: floor }));
  }

  // Candidates of each chunk, in hit order; the sentence cosines are filled in once the best chunks' sentences are embedded.
  const byRow = new Map<number, Candidate[]>();
  for (const h of hits) {
    const chunk = snap.chunks[h.row]!;
    const article = snap.chunkArticle[h.row]!;
    const { source, windows } = windowsOf(article, chunk, analysis);
    const kind = partOf(article, chunk);
    // A caption answers questions about its photo; for any other question it is noise that sounds on topic,
    // unless it holds most of what is asked ("Xi received Putin at the square outside the Great Hall…, May 16").
    const cands = windows.map((window) => {
      const features = featuresOf({ q: analysis, weights, article, chunk, source, window, chunkCosine: h.dense, quoteCosine: null, neighbourCosine: null, fused: h.fused });
      return { article, chunk, kind, source, window, features, p: 0 };
    });
    byRow.set(h.row, kind === 'caption' && !analysis.aboutPhoto ? cands.filter((c) => c.features.quoteCoverage >= CAPTION_COVERAGE) : cands);
  }
  const finish = (cs: Candidate[]) => {
    withGaps(cs.map((c) => c.features));
    for (const c of cs) c.p = probability(cal, c.features);
    // Too few questions about writers to fit on: their bios are put level with the best quote, and first;
    // "who wrote…" is answered by the byline of the article the question is about, before any bio, and
    // "where was it first published?" by its source. When the question names the piece (its title shares
    // the question's words), the writer's bio, byline or source is its answer, however weak the body's quotes.
    const bestP = Math.max(0, ...cs.map((c) => c.p));
    const lift = (c: Candidate, p: number) => Math.max(p, c.features.titleCoverage > 0 ? cal.threshold : 0);
    if (analysis.aboutAuthor) {
      for (const c of cs) if (c.kind === 'author') c.p = lift(c, Math.max(c.p, bestP + 1e-6));
      const lead = analysis.expects === 'person' ? cs.find((c) => c.kind === 'body' && c.article.author) : undefined;
      if (lead) cs.push(creditOf(lead, 'author', lift(lead, bestP + 2e-6)));
    }
    // The standfirst of the piece the question names, when it asks what the line under the headline says.
    if (analysis.aboutStandfirst) for (const c of cs) if (c.kind === 'standfirst' && c.features.titleCoverage > 0) c.p = Math.max(c.p, bestP + 1e-6);
    if (analysis.aboutSource) {
      const lead = cs.find((c) => c.kind === 'body' && c.article.source);
      if (lead) cs.push(creditOf(lead, 'source', lift(lead, bestP + 2e-6)));
    }
    return cs.sort((a, b) => b.p - a.p);
  };
  const first = finish(hits.flatMap((h) => byRow.get(h.row)!));
  if (!embed) return first;

  // The chunks whose best quote scored highest get their sentences weighed; ties go to the better hit.
  const bestOf = (row: number) => Math.max(0, ...byRow.get(row)!.map((c) => c.p));
  const rank = new Map(hits.map((h, i) => [h.row, bestOf(h.row) + 1e-9 * (CANDIDATES - i)]));
  const depth = Math.max(SENTENCE_CHUNKS, Math.min(opts.limit ?? 5, 25));
  const ranked = [...hits].sort((a, b) => rank.get(b.row)! - rank.get(a.row)!);
  // Bios brought in for a question about the writer always get their sentences weighed.
  const top = [...ranked.slice(0, depth), ...ranked.slice(depth).filter((h) => analysis.aboutAuthor && byRow.get(h.row)![0]?.kind === 'author')];
  const chosen = top.flatMap((h) => byRow.get(h.row)!);
  const vectors = await sentenceVectors(snap, chosen, embed);
  const similarity = (c: Candidate, spans: Span[]) =>
    Math.max(-1, ...spans.map((s) => vectors.get(sentenceKey(c.chunk, s.start, s.end, c.source))!.reduce((sum, x, j) => sum + x * q[j]!, 0)));
  // A count judged off focus by its words may still count the thing asked for, by meaning ("kids", "children"): its span moved.
  for (const c of await confirmFocusByMeaning(chosen, analysis, embed)) c.features.answerContext = answerContext(weights, c.source, c.window);
  for (const c of chosen) {
    c.features.quoteCosine = similarity(c, c.window.sentences);
    // A quote that is a whole paragraph has no neighbours: neutral, as good as itself.
    c.features.neighbourCosine = c.window.neighbours.length ? similarity(c, c.window.neighbours) : c.features.quoteCosine;
  }
  return finish(chosen);
}

/** The article's byline (or its source) as a candidate quote: its text is the author (or source) field we cite. */
function creditOf(lead: Candidate, kind: 'author' | 'source', p: number): Candidate {
  const { article } = lead;
  const source = (kind === 'author' ? article.author : article.source)!;
  const span = { start: 0, end: source.length };
  const section = kind === 'author' ? 'Byline' : 'Source';
  return {
    article,
    chunk: { id: `${article.id}#${section.toLowerCase()}`, articleId: article.id, paragraph: -1, section, ...span, note: -1 },
    kind,
    source,
    window: { ...span, sentences: [span], neighbours: [], answer: span, offFocus: false, elsewhen: false },
    features: lead.features,
    p,
  };
}

function sentenceKey(chunk: Chunk, start: number, end: number, source: string): string {
  return `${chunk.articleId}|${chunk.note ?? ''}|${start}|${end}|${source.length}`;
}

/** Vectors of every sentence the candidates quote or neighbour, from the snapshot's cache, the index's saved ones, or embedded now (shortest first, in batches: less padding). */
async function sentenceVectors(snap: SearchIndex, candidates: Candidate[], embed: EmbedFn): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  const todo = new Map<string, string>();
  for (const c of candidates) {
    for (const s of [...c.window.sentences, ...c.window.neighbours]) {
      const key = sentenceKey(c.chunk, s.start, s.end, c.source);
      const cached = snap.sentenceVectors.get(key) ?? snap.storedSentenceVector?.(c.source.slice(s.start, s.end));
      if (cached) out.set(key, cached);
      else todo.set(key, c.source.slice(s.start, s.end));
    }
  }
  const pending = [...todo].sort((a, b) => a[1].length - b[1].length);
  for (let i = 0; i < pending.length; i += EMBED_BATCH) {
    const batch = pending.slice(i, i + EMBED_BATCH);
    const vs = await embed(batch.map(([, text]) => text));
    batch.forEach(([key], k) => {
      out.set(key, vs[k]!);
      if (snap.sentenceVectors.size >= 50_000) snap.sentenceVectors.clear();
      snap.sentenceVectors.set(key, vs[k]!);
    });
  }
  return out;
}

function toPassage(c: Candidate): Passage {
  const note = c.kind !== 'body';
  // A count of something else is not bolded as the answer.
  const a = c.window.offFocus ? null : c.window.answer;
  return {
    quote: quoteOf(c),
    score: Math.round(c.p * 1000) / 1000,
    paragraph: note ? 0 : c.chunk.paragraph + 1,
    section: c.kind === 'body' ? c.chunk.section : (c.chunk.section ?? PART_LABELS[c.kind]),
    start: c.window.start,
    end: c.window.end,
    kind: c.kind,
    answer: a ? { start: a.start - c.window.start, end: a.end - c.window.start } : null,
    article: metaOf(c.article),
  };
}

/** Best distinct candidates, best first: overlapping or near-identical quotes are dropped, at most three per article. */
function distinctCandidates(scored: Candidate[], limit: number): Candidate[] {
  const chosen: Candidate[] = [];
  const perArticle = new Map<string, number>();
  for (const s of scored) {
    if (chosen.length >= limit) break;
    if ((perArticle.get(s.article.id) ?? 0) >= MAX_PER_ARTICLE) continue;
    const text = s.source.slice(s.window.start, s.window.end);
    const dup = chosen.some(
      (c) =>
        (c.source === s.source && c.window.start < s.window.end && s.window.start < c.window.end) ||
        jaccard(terms(quoteOf(c)), terms(text)) > 0.6,
    );
    if (dup) continue;
    chosen.push(s);
    perArticle.set(s.article.id, (perArticle.get(s.article.id) ?? 0) + 1);
  }
  return chosen;
}

/** Best distinct passages, best first, before any refusal. */
export function distinctPassages(scored: Candidate[], limit: number): Passage[] {
  return distinctCandidates(scored, limit).map(toPassage);
}

export async function rankPassages(snap: SearchIndex, q: Float32Array, question: string, opts: AskOptions = {}, embed: EmbedFn | null = null, analysis?: QuestionAnalysis): Promise<Passage[]> {
  return distinctPassages(await scoreCandidates(snap, q, question, opts, embed, analysis), Math.min(opts.limit ?? 5, 25));
}

const ROLE_TERMS = new Set(terms(PERSON_ROLES.join(' ')));
// Words beside a role that say which holder, not which body ("the current general secretary", "the author of the column").
const MODIFIERS = new Set(terms('current former new old acting interim top senior junior then present first last next late article piece column story report essay post op-ed blog'));

/**
 * The body or place a role question ties its role to, in the words next to the role ("the RMT general
 * secretary", "general secretary of the RMT") that the question or the candidates' paragraphs write as names.
 */
export function bodiesNamed(question: string, paragraphs: string[]): Set<string> {
  const written = question.split(/[^\p{L}\p{N}'’-]+/u).filter(Boolean);
  // "The party general secretary" names no party: a body's word in lower case is a common noun.
  const ws = written.map((w) => (/^\p{Ll}/u.test(w) && isBodyWord(w) ? [] : terms(w)));
  const near = new Set<string>();
  const isRole = (i: number) => i >= 0 && i < written.length && terms(written[i]!).some((t) => ROLE_TERMS.has(t));
  // The word right before the role or after "of (the)" qualifies it: "the rmt general secretary" names the RMT however it is typed.
  const qualifiers = new Set<string>();
  ws.forEach((ts, i) => {
    if (!isRole(i)) return;
    for (const n of ws.slice(Math.max(0, i - 3), i + 5).flat()) if (!ROLE_TERMS.has(n)) near.add(n);
    const after = /^of$/i.test(written[i + 1] ?? '') ? (/^the$/i.test(written[i + 2] ?? '') ? i + 3 : i + 2) : -1;
    for (const j of [isRole(i - 1) ? -1 : i - 1, isRole(i + 1) ? -1 : after]) for (const t of j >= 0 ? (ws[j] ?? []) : []) if (!MODIFIERS.has(t)) qualifiers.add(t);
  });
  if (!near.size) return near;
  return new Set([...namesWritten([question, ...paragraphs].join('\n'), near), ...qualifiers]);
}

// "ICC" is named by "International Criminal Court", "the Israeli minister" by "Israel’s minister" (the
// stemmer cuts names shorter than words: "isra" and "israel" are kin from four letters).
export function namesBody(quote: string, bodies: Set<string>): boolean {
  if (terms(quote).some((t) => bodies.has(t) || [...bodies].some((b) => akin(t, b, 4)))) return true;
  const initials = [...quote.matchAll(/\p{Lu}[\p{L}'’-]*(?:\s+(?:of\s+|for\s+|and\s+)?\p{Lu}[\p{L}'’-]*)+/gu)].map((m) => m[0].split(/\s+/).filter((w) => /^\p{Lu}/u.test(w)).map((w) => w[0]!.toLowerCase()).join(''));
  return initials.some((i) => bodies.has(i));
}

/**
 * Passages that answer the question, or `answered: false` when the best quote's probability is under
 * the model's threshold; then the closest passages come back as `related`, unless even they are noise.
 */
export async function findPassages(snap: SearchIndex, q: Float32Array, question: string, opts: AskOptions = {}, embed: EmbedFn | null = null): Promise<{ answered: boolean; passages: Passage[]; related: Passage[]; missing: MissingFact | null }> {
  const cal = opts.calibration ?? calibrationFor(snap.modelId);
  // Analysed once: the ranking and the typed refusal below read the same analysis.
  const analysis = analyzeQuestion(question);
  const chosen = distinctCandidates(await scoreCandidates(snap, q, question, opts, embed, analysis), Math.min(opts.limit ?? 5, 25));
  // A question naming what the corpus never names ("the capital of Australia"), whose best passages share none
  // of its words, is about something else: refused, with no related reading, however close the embeddings.
  // Only a name counts: an unseen word may be a synonym ("the dockers walk out" against "Dock employees… began a strike").
  if (chosen.slice(0, 3).every((c) => c.features.contextCoverage === 0) && (await namesUnseenThing(snap, question))) return { answered: false, passages: [], related: [], missing: null };
  const top = chosen[0]?.p ?? 0;
  // Weaker passages may follow a confident first one, but not noise.
  const shown = chosen.filter((c) => c.p >= cal.threshold * 0.6);
  // A count, a date, an age, a length or someone's words asked for and found in none of the best passages:
  // the corpus covers the topic but not the fact ("how many were arrested?" where no arrests are counted).
  // When the question says what it counts, a count of something else is no answer either ("how many
  // hostages?" against "49 Palestinians"), unless its words mean the thing counted (confirmFocusByMeaning);
  // nor is a count of another tally (the dead for the injured) or the date something began when its end is
  // asked (tallies.ts), nor the words of someone other than the speaker asked about, nor a passage about another year or month,
  // nor a date without the year or the time of day asked for, nor a passage that uses the initials asked about without spelling them out.
  const { expects } = analysis;
  const focused = analysis.tallies.size > 0 || analysis.exact || analysis.dateGrain !== null || analysis.acronym !== null || expects === 'number' || expects === 'statement' || analysis.anchors.length > 0;
  // A role held in a body the question names ("the RMT general secretary") is not filled by a person of another ("CPIML General Secretary…").
  const bodies = expects === 'person' && analysis.strictPerson ? bodiesNamed(question, chosen.map(paragraphText)) : new Set<string>();
  // The quote names the body, or the article's title or standfirst sets the scene ("Dock Workers Halt the Port of Rotterdam").
  const ofBody = (c: Candidate) => !bodies.size || [quoteOf(c), c.article.title, c.article.standfirst ?? ''].some((t) => namesBody(t, bodies));
  const missing = expects !== null && (MUST_HOLD.has(expects) || (expects === 'person' && analysis.strictPerson) || analysis.acronym !== null) && !shown.slice(0, 3).some((c) => c.window.answer && !(focused && c.window.offFocus) && ofBody(c));
  // How something turned out is told only by a passage that reports a result, not by one that previews it or tells of plans.
  const reports = (c: Candidate) => reportsOutcome(quoteOf(c), analysis, paragraphText(c));
  const previewed = analysis.outcome && shown.length > 0 && !shown.slice(0, 3).some((c) => c.p >= cal.threshold && reports(c));
  // A yes-or-no question restates what it asks: a passage holding little of it neither confirms nor denies it.
  // "Were any students arrested?" is not answered by a passage that names no arrest (tallies.ts),
  // nor "did the court issue warrants?" by one where it only could (preview.ts).
  const states = (c: Candidate) => {
    const quote = quoteOf(c);
    return c.features.quoteCoverage >= POLAR_COVERAGE && (!analysis.tallies.size || countsTally(quote, analysis.tallies)) && !onlyHedged(quote, analysis);
  };
  const unstated = analysis.polar && !shown.slice(0, 3).some(states);
  if (top >= cal.threshold && !missing && !previewed && !unstated) return { answered: true, passages: shown.map(toPassage), related: [], missing: null };
  // Said only when the passages are on the topic: a far-off question is refused for that alone.
  const lacking = top < cal.threshold ? null : missing ? (expects as MissingFact) : previewed ? 'outcome' : unstated ? 'confirmation' : null;
  return { answered: false, passages: [], related: top >= cal.relatedFloor ? chosen.slice(0, 3).map(toPassage) : [], missing: lacking };
}

async function namesUnseenThing(snap: SearchIndex, question: string): Promise<boolean> {
  const names = terms((nlp(question).match('(#Place|#Person|#Organization|#ProperNoun)') as any).text() as string);
  if (!names.length) return false;
  const stats = await snap.termStats(names);
  return names.some((t) => !stats.idf(t));
}

function jaccard(a: string[], b: string[]): number {
  const A = new Set(a);
  const B = new Set(b);
  if (!A.size || !B.size) return 0;
  let inter = 0;
  for (const x of A) if (B.has(x)) inter++;
  return inter / (A.size + B.size - inter);
}
