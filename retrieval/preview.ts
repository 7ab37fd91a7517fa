import nlp from 'compromise';
import { leansOnPrevious, namesWritten, sentenceSpans, terms } from './text.ts';

// "Who won…?", "did the talks end with a deal?", "what was the result?": asks how something turned out.
const OUTCOME = /\b(won|win|wins|winning|outcome|results?|final score|end(?:ed|s)? up|end(?:ed)? (?:with|in)|in the end|eventually|c[ao]me (?:out )?of|back(?:ed|ing|s)? down|verdict)\b/;

/** Whether a question asks how something turned out. */
export function asksOutcome(lower: string): boolean {
  // "Was it his first visit since winning re-election?" dates what it asks by a result, and asks none.
  return OUTCOME.test(lower.replace(/\b(?:since|after|before|until|following|upon)\s+(?:(?:his|her|their|its|the)\s+)?(?:winning|won|wins)\b[^,;?]*/g, ' '));
}

// Verbs that tell how something turned out: a result is won, lost, agreed, signed, ended or called off.
const SETTLING = new Set([
  'win', 'lose', 'defeat', 'beat', 'end', 'conclude', 'finish', 'agree', 'reach', 'sign', 'settle', 'collapse', 'fail',
  'withdraw', 'drop', 'abandon', 'back down', 'accept', 'reject', 'elect', 'produce', 'approve', 'pass', 'rule',
  'convict', 'acquit', 'sentence', 'secure', 'score', 'resolve', 'break down', 'call off', 'cancel', 'succeed', 'award',
  'overturn', 'uphold', 'dismiss', 'clinch', 'concede', 'retain', 'turn into', 'turn out', 'become', 'result', 'fall through',
  'fall apart', 'seal', 'broker', 'ratify', 'adopt', 'release', 'free', 'halt', 'stop', 'suspend', 'postpone', 'scrap',
  'shelve', 'reverse', 'lift', 'grant', 'refuse', 'deny', 'block', 'veto', 'oust', 'topple', 'resign', 'quit', 'survive',
]);
// "Failed to reach a deal" and "turned out to be" tell a result; "agreed to send", "decided to negotiate" an intent.
const RESULT_BEFORE_TO = new Set(['fail', 'turn out']);
// A question's own verbs that say nothing of a result ("did the talks end up…", "what came out of…").
const FRAME = new Set(['be', 'have', 'do', 'say', 'tell', 'end up', 'come', 'come out', 'go', 'get', 'happen', 'make', 'will', 'can']);
const AUXILIARY = new Set(['Auxiliary', 'Copula', 'Modal', 'Particle']);

type Term = { normal: string; root?: string; tags: string[] };
const has = (t: Term | undefined, tag: string): boolean => t !== undefined && t.tags.includes(tag);
/** What a question asks about: its terms (stemmed) and the lemmas of its verbs. */
type Asked = { terms: Set<string>; verbs: Set<string> };

/** The lemmas of the verbs a question asks whether happened ("did Network Rail end up cutting the jobs" → cut). */
export function askedVerbs(question: string): Set<string> {
  const ts = termsOf(question);
  return new Set(ts.filter((t) => has(t, 'Verb') && !t.tags.some((g) => AUXILIARY.has(g))).map((t) => t.root ?? t.normal).filter((w) => w && !FRAME.has(w)));
}

/**
 * Whether a passage reports how the thing asked about turned out: one of its sentences has a verb of
 * result (or the verb the question asks about) in the past, not one of intent ("agreed to send a
 * delegation", "embarked on a strike", "polling is scheduled"); and when its paragraph writes any of
 * the question's words as a name ("Cairo", "Network Rail"), that sentence names it, or the one before
 * when it opens with a pronoun ("They ended without a deal"): a result reported of something else
 * (Hamas accepting a proposal) is not the result asked for.
 */
export function reportsOutcome(text: string, question: Asked, paragraph = text): boolean {
  const spans = sentenceSpans(text).map((s) => text.slice(s.start, s.end));
  const names = namesWritten(paragraph, question.terms);
  const named = (i: number): boolean => terms(spans[i]!).some((w) => names.has(w)) || (i > 0 && leansOnPrevious(spans[i]!) && named(i - 1));
  return spans.some((s, i) => settles(s, question) && (!names.size || named(i)));
}

// Past forms spelt like the present, which compromise often reads as nouns ("City beat United", "Network Rail cut 400 jobs"):
// after a noun or pronoun, and with no third-person "-s", they are the past.
const SAME_FORM_PAST = new Set(['beat', 'cut', 'quit', 'set', 'put', 'hit', 'shut', 'split', 'upset', 'cast', 'bid', 'let', 'spread']);
const PARTICLE = new Set(['into', 'out', 'up', 'down', 'off', 'through', 'apart']);
// "will beat", "could issue": not (yet) a result ("to" is read apart, in notYet).
const NOT_YET = new Set(['will', 'would', 'could', 'may', 'might', 'shall', 'should', 'can', 'must']);

const cache = new Map<string, Term[]>();

function termsOf(sentence: string): Term[] {
  let ts = cache.get(sentence);
  if (!ts) {
    const doc = nlp(sentence) as any;
    doc.compute('root');
    ts = (doc.json() as { terms: Term[] }[]).flatMap((s) => s.terms);
    if (cache.size > 5_000) cache.clear();
    cache.set(sentence, ts);
  }
  return ts;
}

// "Has been forced to shift", "managed to reach": done, though after "to".
const DONE_BEFORE_TO = new Set(['force', 'have', 'had', 'manage', 'compel', 'oblige', 'make', 'begin', 'start', 'continue']);

// "could issue arrests", "plans to cut", "is expected to be signed": not (yet) done. The verbs chained
// before the word are read back to the first that is not one ("the court could issue").
function notYet(ts: Term[], i: number): boolean {
  for (let j = i - 1; j >= Math.max(0, i - 5); j--) {
    const b = ts[j]!;
    if (b.normal === 'to') {
      const lead = ts[j - 1];
      if (!(lead && (DONE_BEFORE_TO.has(lead.root ?? lead.normal) || DONE_BEFORE_TO.has(lead.normal)))) return true;
    } else if (NOT_YET.has(b.normal)) return true;
    else if (!has(b, 'Verb') && !has(b, 'Adverb')) return false;
  }
  return false;
}

// "issued a bizarre warning" does not tell whether warrants were issued: the asked verb counts on one of the question's other words.
function onAsked(ts: Term[], i: number, q: Asked): boolean {
  const own = new Set(terms(ts[i]!.normal));
  return terms(ts.slice(i + 1, i + 5).map((t) => t.normal).join(' ')).some((w) => q.terms.has(w) && !own.has(w));
}

// "The popularly elected lower house", "the agreed text": a participle describing a noun reports nothing.
function attributive(ts: Term[], i: number): boolean {
  const before = has(ts[i - 1], 'Determiner') || (has(ts[i - 1], 'Adverb') && has(ts[i - 2], 'Determiner'));
  return before && (has(ts[i + 1], 'Noun') || has(ts[i + 1], 'Adjective'));
}

function settles(sentence: string, q: Asked): boolean {
  const ts = termsOf(sentence);
  return ts.some((t, i) => {
    const before = ts[i - 1];
    const past = has(t, 'PastTense') || (SAME_FORM_PAST.has(t.normal) && ['Noun', 'ProperNoun', 'Pronoun'].some((g) => has(before, g)) && !has(before, 'Determiner'));
    if (!past || notYet(ts, i) || attributive(ts, i)) return false;
    const lemma = t.root ?? t.normal;
    const next = ts[i + 1]?.normal ?? '';
    const phrase = PARTICLE.has(next) ? `${lemma} ${next}` : lemma;
    const intent = (next === 'to' || ts[i + 2]?.normal === 'to' && phrase !== lemma) && !RESULT_BEFORE_TO.has(phrase) && !RESULT_BEFORE_TO.has(lemma);
    return !intent && (SETTLING.has(lemma) || SETTLING.has(phrase) || (q.verbs.has(lemma) && onAsked(ts, i, q)));
  });
}

/**
 * Whether a passage tells of what a yes-or-no question asks only as possible or planned: every use of
 * the asked verb on the question's words is under "could", "will", "plans to"… ("reports that the
 * court could issue arrests" for "did the court issue arrest warrants?"). False when it never uses it.
 */
export function onlyHedged(text: string, q: Asked): boolean {
  const uses = sentenceSpans(text).flatMap((s) => {
    const ts = termsOf(text.slice(s.start, s.end));
    return ts.flatMap((t, i) => (q.verbs.has(t.root ?? t.normal) && onAsked(ts, i, q) ? [notYet(ts, i)] : []));
  });
  return uses.length > 0 && uses.every(Boolean);
}
