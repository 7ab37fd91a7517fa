import { expansionIn } from './acronyms.ts';
import { elsewhen, timesNamed } from './anchors.ts';
import { entitySpans, fit, otherKindOfPlace, PERSON_ROLES, SPEECH_VERBS, GRAIN, type AnswerType, type EntitySpan } from './entities.ts';
import { partOf } from './parts.ts';
import type { QuestionAnalysis } from './question.ts';
import type { QueryTerms } from './quotes.ts';
import { countsTally } from './tallies.ts';
import { leansOnPrevious, sentenceSpans, terms, type Span } from './text.ts';
import { sourceText, type Article, type Chunk } from './types.ts';

/** A quotable window: one sentence, or two adjacent ones, of one paragraph (or bio). Offsets into its source text. */
export interface Window extends Span {
  /** The sentences it is made of, offsets into the source text. */
  sentences: Span[];
  /** Offsets into the source text of the words carrying the expected answer type, if any. */
  answer: Span | null;
  /** The sentences just before and after the window in its paragraph, if any. */
  neighbours: Span[];
  /** The answer is of the type asked for but not about what was asked: a count of something else, a date where a time of day was asked, words of another speaker, a passage about another time. */
  offFocus: boolean;
  /** The passage names none of the years or months the question is pinned to (then `offFocus` too, when it has an answer). */
  elsewhen: boolean;
}

const MAX_WORDS = 90;
const SAYING = new RegExp(`\\b(?:${SPEECH_VERBS})\\b`, 'gi');

const wordCount = (s: string) => s.split(/\s+/).filter(Boolean).length;

/** The paragraph (or the whole bio) holding `chunk`: offsets into its source text. */
export function paragraphOf(article: Article, chunk: Chunk): Span {
  return chunk.note === undefined ? article.paragraphs[chunk.paragraph]! : { start: 0, end: sourceText(article, chunk).length };
}

/** Sentences of the paragraph (or bio) holding `chunk`, and the indexes of those inside the chunk. */
function sentencesAround(article: Article, chunk: Chunk): { source: string; all: Span[]; inside: number[] } {
  const source = sourceText(article, chunk);
  const para = paragraphOf(article, chunk);
  const all = sentenceSpans(source.slice(para.start, para.end)).map((s) => ({ start: s.start + para.start, end: s.end + para.start }));
  const inside = all.flatMap((s, i) => (s.start < chunk.end && s.end > chunk.start ? [i] : []));
  return { source, all, inside };
}

/**
 * Candidate quotes in a chunk: each sentence (with the sentence before when it opens with a pronoun
 * or "this/these"), and each pair of adjacent sentences. Every window is one exact substring.
 */
export function windowsOf(article: Article, chunk: Chunk, q: QuestionAnalysis): { source: string; windows: Window[] } {
  const { source, all, inside } = sentencesAround(article, chunk);
  if (!all.length) return { source, windows: [] };
  // A question pinned to a year or a month is not answered from a passage about another time.
  let times: Set<string> | undefined;
  const passageTimes = () => (times ??= timesNamed(`${article.title} ${source.slice(chunk.start, chunk.end)}`, article.date));
  const out: Window[] = [];
  const seen = new Set<string>();
  const add = (from: number, to: number) => {
    const start = all[from]!.start;
    const end = all[to]!.end;
    const key = `${start}:${end}`;
    if (seen.has(key) || (to > from && wordCount(source.slice(start, end)) > MAX_WORDS)) return;
    seen.add(key);
    const sentences = all.slice(from, to + 1);
    const neighbours = [all[from - 1], all[to + 1]].filter((s): s is Span => !!s);
    const answer = answerSpan(source, sentences, q);
    const other = elsewhen(q.anchors, source.slice(start, end), passageTimes);
    out.push({ start, end, sentences, neighbours, answer: answer && { start: answer.start, end: answer.end }, offFocus: !!answer && (answer.offFocus || other), elsewhen: other });
  };
  for (const i of inside) {
    const leans = i > 0 && leansOnPrevious(source.slice(all[i]!.start, all[i]!.end));
    add(leans ? i - 1 : i, i);
    if (i + 1 < all.length) add(i, i + 1);
  }
  return { source, windows: out };
}

/**
 * The span in the sentences that best fits the type the question expects: an exact type before a
 * looser stand-in, then the earliest, then the longest; never one made only of the question's own
 * words (the answer to "who leads the party?" is not "the party"). A reason or a definition is the
 * clause its cue word opens ("because…", "…is a…"), up to the end of the sentence or clause.
 */
export function answerSpan(source: string, sentences: Span[], q: QuestionAnalysis): (Span & { offFocus: boolean }) | null {
  const want: AnswerType | null = q.expects;
  if (!want) return null;
  if (want === 'definition' && q.acronym) {
    for (const s of sentences) {
      const x = expansionIn(source.slice(s.start, s.end), q.acronym);
      if (x) return { start: s.start + x.start, end: s.start + x.end, offFocus: false };
    }
  }
  let best: { rank: number; start: number; end: number; offFocus: boolean } | null = null;
  // Words said by someone other than the speaker asked about are of the right kind but not the answer;
  // "He also denounced…" may be the speaker's, named a paragraph before.
  const said = sentences.map((s) => source.slice(s.start, s.end)).join(' ');
  // The verb of saying is not the speaker: "Xi stated…" is no word from the State Department.
  const otherSpeaker = want === 'statement' && q.speaker.size > 0 && !leansOnPrevious(said) && !terms(said.replace(SAYING, ' ')).some((t) => q.speaker.has(t));
  for (const [k, s] of sentences.entries()) {
    const text = source.slice(s.start, s.end);
    const spans = entitySpans(text);
    for (const e of spans) {
      // compromise knows few non-Western first names ("Ranil Wickremesinghe" is only a name to it): a
      // name of capitalised words that is no body or place stands in for a person.
      const asPerson = q.strictPerson && e.type === 'name' && personLike(text, e, spans);
      const f = asPerson ? 1 : fit(want, e.type);
      if (f === null || (q.strictPerson && e.type !== 'person' && !asPerson)) continue;
      if (want === 'person' && ((q.otherRoles.size && heldRole(text, e, q.otherRoles)) || (q.askedRoles.size && otherRoleThanAsked(text, e, q.askedRoles)))) continue;
      // A place is not a country where a city is asked for, nor a person's name ("President Vladimir Putin").
      if (want === 'place' && ((q.head && otherKindOfPlace(q.head, text.slice(e.start, e.end))) || (e.type === 'name' && spans.some((o) => o.type === 'person' && o.start < e.end && e.start < o.end)))) continue;
      const clause = want === 'reason' || want === 'definition' || want === 'statement';
      if (!clause) {
        const ts = terms(text.slice(e.start, e.end));
        if (!ts.length || ts.every((t) => q.terms.has(t))) continue;
      }
      // Within one fit, the number next to the thing counted, or the time of day asked for, comes first.
      const misses =
        (q.counts.size && e.type === 'number' && !countsNext(text, e.end, q.counts, e.start)) ||
        ((e.type === 'number' || e.type === 'date') && !mayAnswer(q, text, e)) ||
        (q.dateGrain && !GRAIN[q.dateGrain].test(text.slice(e.start, e.end))) || otherSpeaker;
      // Of several ages, the one after the person asked about: "Dhar (30), Bhattacharya (31)" for Bhattacharya's.
      const otherAge = e.type === 'age' && !terms(text.slice(Math.max(0, e.start - 40), e.start).split(/[),;]/).pop()!).some((t) => q.terms.has(t));
      // "Which constituency…": a name within three words of that noun ("the Srirampur Lok Sabha constituency", "Jadavpur University") before any other.
      const unheaded = q.head !== null && !terms(around(text, e, 3)).includes(q.head);
      const rank = (unheaded ? 4e12 : 0) + f * 1e12 + (misses ? 5e11 : 0) + (otherAge ? 1e11 : 0) + k * 1e8 + e.start;
      if (best && (rank > best.rank || (rank === best.rank && e.end - e.start <= best.end - best.start))) continue;
      // Words in quotation marks are the statement itself; after a verb of saying, the clause it opens is.
      const quoted = /[“"‘']/.test(text[e.start - 1] ?? '');
      const end = clause && !quoted ? clauseEnd(text, e.end) : e.end;
      const from = want === 'statement' && !quoted ? e.end + (/^[\s,:]*(?:that\s+)?/.exec(text.slice(e.end))?.[0].length ?? 0) : e.start;
      if (from >= end) continue;
      best = { rank, start: s.start + from, end: s.start + end, offFocus: !!misses };
    }
  }
  // A sentence that only uses the initials asked about does not say what they stand for.
  return best && { start: best.start, end: best.end, offFocus: best.offFocus || (want === 'definition' && !!q.acronym) };
}

// "The court’s chief prosecutor, Karim Khan", "the Minister of Security, Patricia Bullrich", "Karim Khan, the chief prosecutor".
const ROLE_BEFORE = new RegExp(String.raw`\b(${PERSON_ROLES.join('|')})s?(?:\s+(?:of|for)\s+(?:the\s+)?\p{Lu}[\p{L}’'-]*(?:\s+\p{Lu}[\p{L}’'-]*)*)?,?\s+$`, 'iu');
const ROLE_AFTER = new RegExp(String.raw`^,\s+(?:(?:the|a|an)\s+)?(?:[\p{L}’'-]+\s+){0,3}?(${PERSON_ROLES.join('|')})\b`, 'iu');

/** The role that introduces the person `e`, right before or in apposition after, or null. */
function introducedAs(text: string, e: Span): string | null {
  return ROLE_BEFORE.exec(text.slice(Math.max(0, e.start - 60), e.start))?.[1] ?? ROLE_AFTER.exec(text.slice(e.end, e.end + 60))?.[1] ?? null;
}

/** Whether the person `e` is introduced by one of `roles`: "the court’s chief prosecutor, Karim Khan". */
function heldRole(text: string, e: Span, roles: Set<string>): boolean {
  const role = introducedAs(text, e);
  return !!role && terms(role).some((t) => roles.has(t));
}

// Roles any office holder fills: a minister is an official, a general secretary a party's leader.
const GENERIC_ROLES = new Set(terms('official leader member head chief representative figure person'));

/** Whether the person `e` is introduced by a role other than the specific one asked for ("which senators…" against "the Minister of Security, Patricia Bullrich"). */
function otherRoleThanAsked(text: string, e: Span, asked: Set<string>): boolean {
  const specific = [...asked].filter((t) => !GENERIC_ROLES.has(t));
  const role = specific.length ? introducedAs(text, e) : null;
  return !!role && !terms(role).some((t) => asked.has(t) || GENERIC_ROLES.has(t));
}

// Counts in words that give no figure: "thousands of jobs" does not say exactly how many.
const VAGUE = /^(?:[\p{L} -]* )?(?:dozens|scores|hundreds|thousands|millions|billions|several|numerous|many|few)$/iu;

/** Whether a count or date in `sentence` can answer whatever it counts: not one of another tally (tallies.ts), nor "thousands" where the exact figure is asked. */
export function mayAnswer(q: QuestionAnalysis, sentence: string, e: Span): boolean {
  if (q.tallies.size && !countsTally(sentence, q.tallies)) return false;
  // A count whose question names nothing counted (or only people, or the dead) is not a figure written into another noun.
  if (q.expects === 'number' && !q.counts.size && !countsPeople(compoundUnit(sentence, e))) return false;
  return !(q.exact && VAGUE.test(sentence.slice(e.start, e.end)));
}

/** The noun a number is written into, when it is ("7,000-word", "the 11-day campaign" → word, day): that number counts it and nothing after. */
export function compoundUnit(text: string, e: Span): string | null {
  return /-(\p{L}+)$/u.exec(text.slice(e.start, e.end))?.[1] ?? /^-(\p{L}+)/u.exec(text.slice(e.end))?.[1] ?? null;
}

// "A 5,000-strong crowd" counts people, "the 11-day campaign" and "a 40-page report" do not.
const PEOPLE_UNITS = new Set(terms('strong member man men person people'));
const countsPeople = (unit: string | null) => unit === null || terms(unit).some((t) => PEOPLE_UNITS.has(t));

const CAPITALISED_WORDS = /^\p{Lu}[\p{L}'’-]+(?: \p{Lu}[\p{L}'’.-]+)+$/u;

// Words that make a name a body's, which compromise does not always tag as one ("Network Rail", "Left Unity Front").
const BODY_WORD = /\b(?:Rail|Railways?|Network|Airways|Airlines|Court|Council|Party|Union|Ministry|Department|Agency|Bank|Group|Association|Federation|Front|Forces|Army|Police|University|Institute|College|Committee|Commission|Parliament|Assembly|Congress|Senate|Government|Corporation|Company|Alliance|Movement|Board|Office|Services?|Foundation|Fund|Trust|Society|League|Coalition|Authority|News|Times|Post|Press|Media)\b/;

/** Whether `word` is one that makes a name a body's ("party", "Union"): written in lower case, a common noun. */
export const isBodyWord = (word: string): boolean => BODY_WORD.test(word.charAt(0).toUpperCase() + word.slice(1).toLowerCase());

/** Two or more capitalised words, no comma, no body's word, overlapping no organisation or place. */
function personLike(text: string, e: Span, spans: EntitySpan[]): boolean {
  const name = text.slice(e.start, e.end);
  return CAPITALISED_WORDS.test(name) && !BODY_WORD.test(name) && !spans.some((o) => (o.type === 'organisation' || o.type === 'place') && o.start < e.end && e.start < o.end);
}

// "How much money…" is answered by a sum in any currency.
const MONEY = new Set(terms('money cash funds funding'));
const CURRENCY = /(?:US\$|\$|€|£|₹|\b(?:USD|EUR|GBP|INR|dollars?|euros?|pounds?|rupees?|yuan|roubles?|rubles?|pesos?)\b)/i;
// The currency is written next to the sum: "USD 26 billion", "€4bn", "26 billion dollars" (not "50 years and reached €4").
const CURRENCY_AFTER = new RegExp(String.raw`^\s*(?:(?:million|billion|trillion|bn|crore|lakh)\s+)?${CURRENCY.source}`, 'i');

/** Whether the number ending at `from` counts one of the counted words ("3,500 munitions", "thousands of jobs"; not "twelve days of the Israeli offensive" for Israelis). */
function countsNext(text: string, from: number, counts: Set<string>, start = from): boolean {
  if ([...counts].some((c) => MONEY.has(c)) && (CURRENCY.test(text.slice(Math.max(0, start - 5), from)) || CURRENCY_AFTER.test(text.slice(from, from + 30)))) return true;
  const unit = compoundUnit(text, { start, end: from });
  return terms(unit ?? countedAfter(text, from)).some((t) => counts.has(t));
}

// Words that end the noun a number counts ("1,413 children and 806 women", "27 kitchens in the city").
const ENDS_COUNTED = /^(and|or|but|of|from|with|in|on|at|to|for|by|who|which|that|we|they|were|was|are|is|have|has|had|will|would|the|a|an|as|than|since|including|across|over|under)$/i;

/** The words a number counts, up to three, to the next function word or punctuation: "thousands of jobs" → "jobs". */
export function countedAfter(source: string, end: number): string {
  const words = source.slice(end, end + 80).split(/[,.;:!?()“”"—–]/)[0]!.trim().split(/\s+/);
  if (words[0] === 'of') words.splice(0, words[1] === 'the' ? 2 : 1);
  const out: string[] = [];
  for (const w of words) {
    if (!w || ENDS_COUNTED.test(w) || out.length === 3) break;
    out.push(w);
  }
  return out.join(' ');
}

/** Where the clause running through `from` ends: the next semicolon or dash (an aside in brackets stays in), or the sentence's end, without closing punctuation. */
function clauseEnd(text: string, from: number): number {
  const stop = /[;—–]|\s-\s/.exec(text.slice(from));
  const end = stop ? from + stop.index : text.length;
  const clause = text.slice(from, end).replace(/[\s,.;:!?"”’]+$/, '');
  // A quotation opened inside the clause is closed inside it too.
  const opened = (clause.match(/“/g)?.length ?? 0) > (clause.match(/”/g)?.length ?? 0);
  const closing = opened ? text.slice(from + clause.length, end).indexOf('”') : -1;
  return from + clause.length + (closing >= 0 ? closing + 1 : 0);
}

/** The feature values of one window; definitions live beside the fitted weights (calibration/*.json). */
export interface Features {
  chunkCosine: number;
  quoteCosine: number;
  neighbourCosine: number;
  quoteCoverage: number;
  contextCoverage: number;
  titleCoverage: number;
  typeMatch: number;
  typeMissing: number;
  authorNote: number;
  quoteLength: number;
  fused: number;
  answerContext: number;
  cosineGap: number;
  coverageGap: number;
}

export const FEATURE_DEFINITIONS: Record<keyof Features, string> = {
  chunkCosine: 'cosine of the question embedding to the chunk embedding',
  quoteCosine: 'highest cosine of the question to a sentence of the quote (the chunk cosine before sentences are embedded)',
  neighbourCosine: 'highest cosine of the question to the sentence before or after the quote (lists and answers often continue a relevant sentence)',
  quoteCoverage: "share of the question's IDF-weighted terms found in the quote",
  contextCoverage: "share of the question's IDF-weighted terms found in the title and the chunk",
  titleCoverage: "share of the question's IDF-weighted terms found in the title",
  typeMatch: '1 when the question expects an answer type (person, date, number, place…) and the quote holds one not made of question words',
  typeMissing: '1 when the question expects an answer type and the quote holds none',
  authorNote: '+1 for a quote from an author bio when the question is about the writer (from a photo caption: about a photo), -1 when it is not, 0 for body text and the standfirst',
  quoteLength: 'log(1 + words in the quote) / 5',
  fused: "the chunk's first-stage hybrid score (BM25 and cosine, each normalised by the question's best)",
  answerContext: "share of the question's IDF-weighted terms within 8 words of the answer span (0 without one): answers sit next to what was asked",
  cosineGap: "quoteCosine minus the best quoteCosine among the question's candidates (0 for the best)",
  coverageGap: "quoteCoverage minus the best quoteCoverage among the question's candidates (0 for the best)",
};

export const FEATURE_NAMES = Object.keys(FEATURE_DEFINITIONS) as (keyof Features)[];

// "What was Bhadrakumar's job before…?" asks about the writer by name: the bio answers it as it would "the author's".
function namesWriter(q: QuestionAnalysis, article: Article): boolean {
  return !!article.author && terms(article.author).some((t) => t.length > 3 && q.terms.has(t));
}

export function featuresOf(args: {
  q: QuestionAnalysis;
  weights: QueryTerms;
  article: Article;
  chunk: Chunk;
  source: string;
  window: Window;
  chunkCosine: number;
  quoteCosine: number | null;
  neighbourCosine: number | null;
  fused: number;
}): Features {
  const { q, weights, article, chunk, source, window } = args;
  const quote = source.slice(window.start, window.end);
  const typed = q.expects !== null;
  const strict = q.dateGrain !== null || q.acronym !== null;
  const part = partOf(article, chunk);
  return {
    chunkCosine: args.chunkCosine,
    quoteCosine: args.quoteCosine ?? args.chunkCosine,
    neighbourCosine: args.neighbourCosine ?? args.chunkCosine,
    quoteCoverage: weights.coverage(quote),
    contextCoverage: weights.coverage(`${article.title} ${source.slice(chunk.start, chunk.end)}`),
    titleCoverage: weights.coverage(article.title),
    // A date without the part asked for ("Thursday" for "at what time…?") is no answer, nor a sentence that uses the initials
    // asked about without spelling them out; a count of something else may be a paraphrase, so it still is.
    typeMatch: typed && window.answer && !(strict && window.offFocus) ? 1 : 0,
    typeMissing: typed && (!window.answer || (strict && window.offFocus)) ? 1 : 0,
    // A bio answers questions about the writer, a caption questions about a photo; the standfirst is the writer's own summary, as good as body text.
    authorNote: part === 'author' ? (q.aboutAuthor || namesWriter(q, article) ? 1 : -1) : part === 'caption' ? (q.aboutPhoto ? 1 : -1) : 0,
    quoteLength: Math.log(1 + wordCount(quote)) / 5,
    fused: args.fused,
    answerContext: answerContext(weights, source, window),
    // Filled in once every candidate of the question is known (withGaps).
    cosineGap: 0,
    coverageGap: 0,
  };
}

/** The share of the question's terms next to the window's answer span (0 without one). */
export function answerContext(weights: QueryTerms, source: string, window: Window): number {
  return window.answer ? weights.coverage(around(source, window.answer, 8)) : 0;
}

/** Sets the features that compare a candidate with the question's best: cosine and coverage gaps. */
export function withGaps(all: Features[]): void {
  let cos = -Infinity;
  let cov = -Infinity;
  for (const f of all) {
    cos = Math.max(cos, f.quoteCosine);
    cov = Math.max(cov, f.quoteCoverage);
  }
  for (const f of all) {
    f.cosineGap = f.quoteCosine - cos;
    f.coverageGap = f.quoteCoverage - cov;
  }
}

/** `span` with up to `n` words either side, within the source text. */
function around(source: string, span: Span, n: number): string {
  const before = source.slice(0, span.start).split(/\s+/).slice(-n - 1).join(' ');
  const after = source.slice(span.end).split(/\s+/).slice(0, n + 1).join(' ');
  return `${before} ${source.slice(span.start, span.end)} ${after}`;
}
