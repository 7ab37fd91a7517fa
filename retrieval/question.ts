import nlp from 'compromise';
import { acronymAsked } from './acronyms.ts';
import { anchorsIn } from './anchors.ts';
import { PERSON_ROLES, type AnswerType, type DateGrain } from './entities.ts';
import { askedVerbs, asksOutcome } from './preview.ts';
import { talliesIn } from './tallies.ts';
import { terms } from './text.ts';

export interface QuestionAnalysis {
  /** The kind of answer asked for, or null when the question does not say (e.g. "what happened…"). */
  expects: AnswerType | null;
  /** The question asks about the writer of a piece ("who wrote…", "the author"). */
  aboutAuthor: boolean;
  /** The question names a role only a person fills ("which minister", "who is the general secretary"): a body will not do. */
  strictPerson: boolean;
  /** Roles a person question names for someone other than the one it asks for ("which senators wrote to the ICC prosecutor?" → prosecutor): whoever holds one is not the answer. */
  otherRoles: Set<string>;
  /** Roles a person question asks for ("who is the chief prosecutor?" → chief, prosecutor): a person introduced by another role, unless a generic one ("official"), is not the answer. */
  askedRoles: Set<string>;
  /** The stem of the noun a "which/what <noun>" question asks for a name of ("which constituency" → constitu), or null: the name written next to that noun ("the Srirampur constituency") is the one asked for. */
  head: string | null;
  /** Stemmed terms of the question: an answer span made only of these restates the question. */
  terms: Set<string>;
  /** Stemmed words of what a "how many/much" question counts ("how many student activists…" → student, activist); empty when it does not say, or says only "people". */
  counts: Set<string>;
  /** The same words as written, for comparing by meaning ("kids" against "children"); '' when none. */
  counted: string;
  /** The part of a date the question asks for: a time of day ("at what time…?", not "Thursday") or a year ("what year…?", not "25th August"); null for any date. */
  dateGrain: DateGrain | null;
  /** The initials a question asks the spelling-out of ("what does IUSF stand for?" → IUSF), or null: see acronyms.ts. */
  acronym: string | null;
  /** The question is about a photo ("who took the picture…"): captions answer it. */
  aboutPhoto: boolean;
  /** The question asks what the line under a piece's headline says ("the subheading on…"): the standfirst answers it. */
  aboutStandfirst: boolean;
  /** The question asks where a piece was (first) published: its source answers it. */
  aboutSource: boolean;
  /** Stemmed words naming who a "what did X say?" question asks about (X); empty otherwise. */
  speaker: Set<string>;
  /** Years and months the question pins its fact to ("in May 2021" → may, 2021): see anchors.ts. */
  anchors: string[];
  /** The question asks how something turned out ("who won…?", "did the talks end in a deal?"): see preview.ts. */
  outcome: boolean;
  /** The lemmas of the verbs an outcome or yes-or-no question asks whether happened ("did Network Rail end up cutting the jobs?" → end, cut): see preview.ts; empty for other questions. */
  verbs: Set<string>;
  /** The tallies a count, date or yes-or-no question asks for ("how many were wounded?" → injured, "when did it end?" → ended, "was anyone arrested?" → arrested): see tallies.ts; empty for other questions. */
  tallies: Set<string>;
  /** A count question asks for the exact figure ("exactly how many…"): "thousands" is no answer to it. */
  exact: boolean;
  /** A yes-or-no question ("did the talks end in a deal?"): answered by a passage that states what it asks, or its opposite. */
  polar: boolean;
}

// The question word that comes first decides what is asked for.
const QUESTION_WORD = /\b(how|when|where|why|who|whom|whose|which|what)\b/;
// Counted nouns that any count of people or things answers: "how many people were hurt?" is answered by "49 Palestinians".
const GENERIC_COUNTS = new Set(['people', 'folks', 'person', 'persons', 'individuals', 'ones', 'times', 'total', 'all', 'in']);
// The counted phrase ends at its verb, preposition or pronoun.
const STOP_COUNTED = /^(of|who|which|whose|do|does|did|is|are|was|were|have|has|had|will|would|can|could|should|got|get|gets|went|go|die|live|in|on|at|for|from|by|with|under|over|to|since|during|according|so|there|they|he|she|it|we|you|i|this|that|these|those|the|a|an)$/;

// "What was the value of the trade?", "how much did the bridge cost?": a sum of money, not just any figure ("nearly 50 years").
const ASKS_MONEY = /\b(?:what|which)(?:'s| is| was| were| are)? (?:the )?(?:total |annual |overall |estimated )?(?:value|price|cost|budget|salary|worth)\b|\bhow much\b.*\b(?:cost|costs|pay|paid|pays|spend|spent|spends|earn|earned|earns|worth|charge|charged|owe|owed|raise|raised)\b/;

const POLAR = /^(?:(?:so|and|but|ok|okay|wait|hey)\b[,\s]*)?(?:did|does|do|is|was|were|are|has|have|had|can|could|will|would|should)\b/;
const EXACT = /\b(exact(ly)?|precise(ly)?|specific(ally)?|actual (number|figure|count|total))\b/;

// Head nouns after "which/what" that name the kind of answer ("which minister", "what year").
const HEADS: [AnswerType, string[]][] = [
  ['person', ['person', 'people', 'man', 'woman', 'prime', 'politician', 'student', 'students', 'leaders', 'candidates', 'officials', ...PERSON_ROLES]],
  ['organisation', ['organisation', 'organization', 'group', 'company', 'party', 'union', 'movement', 'government', 'agency', 'body', 'ministry', 'outlet', 'publication', 'newspaper', 'bank', 'court', 'parties', 'groups', 'organisations', 'organizations', 'unions', 'movements', 'companies', 'site', 'website', 'source']],
  ['place', ['country', 'city', 'place', 'region', 'state', 'town', 'area', 'countries', 'cities', 'university', 'capital', 'location', 'province', 'neighbourhood', 'neighborhood', 'constituency', 'seat']],
  ['date', ['year', 'years', 'date', 'day', 'days', 'month', 'months', 'time', 'dates', 'week', 'weeks', 'weekday', 'hour', 'morning', 'evening', 'night']],
  ['number', ['number', 'amount', 'percentage', 'share', 'figure', 'count', 'total', 'toll', 'size', 'turnout', 'price', 'cost', 'sum', 'score', 'margin', 'salary', 'budget', 'population', 'tally', 'value', 'volume', 'quantity', 'rate', 'proportion']],
  ['age', ['age']],
];

// "…according to the author", "what does the writer think…": a question about the piece's content, attributed to its writer.
const ATTRIBUTION =
  /\b(according to|per|in) (the|this|that) (author|writer|columnist)s?\b|\b(author|writer|columnist)s?'?s? (telling|view|opinion|words|account|argument)\b|\b(author|writer|columnist)s?'?s? (say|says|said|think|thinks|thought|expects?|argues?|argued|claims?|claimed|believes?|mentions?|mentioned|points?|pointed|lists?|listed|describes?|described|calls?|called|cites?|cited|suggests?|suggested|predicts?|predicted|sees?|saw|considers?|considered|writes?|wrote|warns?|warned|notes?|noted|blames?|blamed|accuses?|accused|compares?|compared|expects?|hopes?|fears?|reckons?|reckoned|feels?|felt|insists?|insisted|asserts?|asserted|maintains?|maintained|contends?|contended|implies|implied|imply|means?|meant|reports?|reported|recalls?|recalled|quotes?|quoted|highlights?|highlighted|stresses|stressed|stress|emphasi[sz]es?|emphasi[sz]ed)\b/;

// "What did the mayor tell reporters?", "how did the union respond?": asks for someone's words. The
// writer's own view is the whole piece (ATTRIBUTION), and "he" may be the writer: neither is a speaker.
// The speaker does not end on an article: in "what did the State Department say", "state" is no verb.
const SPEAKER = String.raw`(.+?)(?<!\b(?:the|a|an|his|her|its|their))`;
const SAID = new RegExp(
  String.raw`^(?:what (?:exactly |actually |precisely )?(?:did|does|do|has|have|had) ${SPEAKER} (?:say|tell|reply|answer|claim|argue|state|announce|warn|declare|insist|promise|allege|testify)|how (?:exactly |actually )?(?:did|does|do|has|have|had) (.+?) (?:respond|react|reply|answer))\b`,
);
// "Did Milei himself say anything about the raids?" asks for Milei's words too, to confirm or deny.
const POLAR_SAID = new RegExp(
  String.raw`^(?:(?:so|and|but)\b[,\s]*)?(?:did|does|do|has|have|had) ${SPEAKER}(?: (?:actually|ever|really|even|himself|herself|themselves|itself))* (?:say|tell|comment|speak|mention|claim|announce|warn|declare|promise)\b`,
);
const NOT_A_SPEAKER = /\b(author|writer|columnist|piece|article|story|report|op-ed|he|she|they|it|you|i|we|them)s?\b/;

// "Where was the piece first published?", "which site ran it?": asked of the piece, answered by its source.
const PUBLISHED =
  /\b(first|originally|initially) (published|appeared|ran|run|posted|printed|came out)\b|\b(who|which \w+|what \w+) (published|ran|carried|printed|posted) (it|this|that|the (piece|article|story|column|report|op-ed))\b|\bwhere (was|is|did) (it|this|that|the ([\w'’-]+ ){0,6}?(piece|article|story|column|report|op-ed))( (originally|first|initially))? (published|from|appear|run|come from)\b|\b(source|courtesy) of (the|this|that) (piece|article|story|column|report)\b/;

// Kinds of answer that are names, which a text writes next to the noun the question asks with.
const NAMED = new Set<AnswerType>(['person', 'organisation', 'place', 'name']);

// "The subheading on 'Israel is Losing'…", "the line under the entente headline…": the piece's standfirst.
const STANDFIRST = /\b(sub-?headings?|sub-?heads?|sub-?headlines?|subtitles?|standfirsts?|straplines?|taglines?)\b|\b(line|lines|summary|sentence|text|blurb)( right)? (under|below|beneath) (the|its|that) ([\w'-]+ ){0,3}?(headline|title|heading)\b/;

/** What the question asks for, from its question word and the noun after it. */
export function analyzeQuestion(question: string): QuestionAnalysis {
  const lower = question.toLowerCase().replace(/[’‘]/g, "'");
  const aboutAuthor = /\b(author|writer|wrote|written|byline|columnist)\b/.test(lower) && !ATTRIBUTION.test(lower);
  const acronym = acronymAsked(question);
  const { type: expects, head } = acronym ? { type: 'definition' as const, head: null } : expectedType(question, lower);
  const wh = QUESTION_WORD.exec(lower)?.[1];
  const strictPerson = expects === 'person' && (wh === 'which' || wh === 'what' || /\bwho(?:'s| is| was| are| were) the\b/.test(lower));
  const dateGrain = expects !== 'date' ? null : /\b(what|which) (time|hour)\b|\btime of (the )?day\b/.test(lower) ? 'time' : /\b(what|which) year\b/.test(lower) ? 'year' : null;
  const counted = countedWords(expects, lower) || (expects === 'number' && ASKS_MONEY.test(lower) ? 'money' : '');
  const aboutPhoto = /\b(photos?|photographs?|photographer|pictures?|pictured|images?|captions?)\b/.test(lower);
  const aboutSource = PUBLISHED.test(lower);
  const aboutStandfirst = STANDFIRST.test(lower);
  // "What does the CPIM state secretary's slogan mean?" asks what words mean, not what someone stated.
  const said = expects === 'definition' ? null : saidBy(lower);
  const polar = expects === null && POLAR.test(lower.trim());
  const outcome = asksOutcome(lower);
  const askedRoles = new Set<string>(expects === 'person' ? terms(ASKED_ROLE.exec(lower)?.[1] ?? '') : []);
  return {
    expects: said === null ? expects : 'statement',
    aboutAuthor,
    strictPerson,
    otherRoles: expects === 'person' ? otherRoles(lower, askedRoles) : new Set(),
    askedRoles,
    head: head && expects && NAMED.has(expects) ? (terms(head)[0] ?? null) : null,
    terms: new Set(terms(question)),
    counts: new Set(terms(counted)),
    counted,
    dateGrain,
    acronym,
    aboutPhoto,
    aboutSource,
    aboutStandfirst,
    speaker: new Set(said ? terms(said) : []),
    anchors: anchorsIn((nlp(question) as any).dates().out('array') as string[]),
    outcome,
    // Read only by the outcome and yes-or-no checks: other questions skip the parse.
    verbs: outcome || polar ? askedVerbs(question) : new Set(),
    tallies: expects === 'number' || expects === 'date' ? talliesIn(question, expects) : polar ? talliesIn(question) : new Set(),
    exact: expects === 'number' && EXACT.test(lower),
    polar,
  };
}

const ROLE = `(?:${PERSON_ROLES.join('|')})s?`;
const ROLES = new RegExp(String.raw`\b${ROLE}\b`, 'g');
// "Who is the chief prosecutor?" asks for the chief prosecutor, "which senators…" for senators, "who heads…" for the head:
// the roles right after the question word are the ones asked for.
const ASKED_ROLE = new RegExp(String.raw`\b(?:(?:who(?:'s| is| was| are| were| has been)(?: the| a| an)?|which|what)(?: [\w'-]+){0,3}? |who )(${ROLE}(?: ${ROLE})*)\b`);

function otherRoles(lower: string, asked: Set<string>): Set<string> {
  return new Set(terms([...lower.matchAll(ROLES)].map((m) => m[0]).join(' ')).filter((t) => !asked.has(t)));
}

/** Who a question asks the words of ("what did the mayor tell…" → "the mayor"), or null when it does not ask for someone's words. */
function saidBy(lower: string): string | null {
  const first = QUESTION_WORD.exec(lower);
  const m = (first && SAID.exec(lower.slice(first.index))) || POLAR_SAID.exec(lower.trim());
  const speaker = m && (m[1] ?? m[2])!;
  return speaker && !NOT_A_SPEAKER.test(speaker) && !ATTRIBUTION.test(lower) ? speaker : null;
}

// "What was the exact number of rail workers who walked out?" counts rail workers, as "how many rail workers" does.
const NUMBER_OF = /\b(?:the|a) (?:exact |total |precise |actual |overall |final |official )?(?:number|count|tally|total) of ([\w' -]+)/;

/** The words after "how many"/"how much", up to three, before the verb: the thing counted ("how many of the dead…" and "how many survived" do not say). */
function countedWords(expects: AnswerType | null, lower: string): string {
  // "How big a pay rise…" counts the pay rise, as "how much of a pay rise" does; "how much in bonds…" counts bonds.
  const m = /\bhow (?:many|much(?: in(?= ))?|(?:big|large|high) an?)\s+(?:of an? )?([\w' -]+)/.exec(lower) ?? NUMBER_OF.exec(lower);
  if (expects !== 'number' || !m) return '';
  const words: string[] = [];
  for (const w of m[1]!.split(/\s+/)) {
    if (!w || STOP_COUNTED.test(w) || /(ed|ly)$/.test(w) || words.length === 3) break;
    if (!GENERIC_COUNTS.has(w)) words.push(w);
  }
  return words.join(' ');
}

function expectedType(question: string, lower: string): { type: AnswerType | null; head: string | null } {
  const only = (type: AnswerType | null) => ({ type, head: null });
  // The question word that comes first decides: "what did officers do when they entered?" asks for a what, not a when.
  const first = QUESTION_WORD.exec(lower);
  if (!first) return only(null);
  const rest = lower.slice(first.index);
  switch (first[1]) {
    case 'how':
      if (/^how (long|many years|many days|many months|many weeks|far into|far along|far in)\b/.test(rest)) return only('duration');
      if (/^how old\b/.test(rest)) return only('age');
      if (/^how (many|much|big|large|high|far)\b/.test(rest)) return only('number');
      return only(/\bwhen\b/.test(rest) ? 'date' : null);
    case 'when':
      return only('date');
    case 'where':
      return only('place');
    case 'why':
      return only('reason');
  }
  if (/^(what|which) (was|is|were|are) the reasons?\b|^what (led|caused|prompted|triggered|drove)\b|^for what reason\b/.test(rest) || /\bfor what reason\b|\bwhat for\b/.test(lower)) return only('reason');
  if (/^what (does|do|did) .+ (mean|stand for)\b|\bmeaning of\b|\bdefine\b|\bwhat is meant\b/.test(rest)) return only('definition');
  if (/^what age\b|\bthe age of\b|\bhow old\b/.test(rest)) return only('age');
  if (/^what percent/.test(rest)) return only('number');
  const doc: any = nlp(question.slice(first.index));
  if (first[1] === 'who' || first[1] === 'whom' || first[1] === 'whose') {
    // "Who is Patricia Bullrich?" asks for a description of a named person, not for a name.
    if (doc.match('^(who) (is|was|are|were) #ProperNoun').found && !doc.match('^(who) (is|was|are|were) (the|a|an)').found) return only('definition');
    return only('person');
  }
  // "Which hard-right minister…", "what US campus camp…", "what's the age of…": the kind of answer is the phrase's last noun.
  const head = headNoun(doc);
  const of = (type: AnswerType | null) => ({ type, head: head?.normal ?? null });
  if (head) {
    // "Which publications…" asks for what "which publication" does.
    const forms = [head.normal, head.normal.replace(/ies$/, 'y'), head.normal.replace(/(?<!s)s$/, '')];
    const hit = HEADS.find(([, nouns]) => forms.some((f) => nouns.includes(f)));
    if (hit) return of(hit[0]);
    if (head.tags.includes('Actor')) return of('person');
    // Any other "which <thing>" is answered by a name (a pact, a camp, a newspaper); "which <things>" may be a list of common nouns.
    if (first[1] === 'which' && !head.tags.includes('Plural')) return of('name');
  }
  if (/^what('s| is| are| was| were)\s+(an?|the)?\s*[\w-]+\??\s*$/.test(rest) || doc.match('^what (is|are|was|were) #Acronym').found) return of('definition');
  return of(null);
}

type Term = { normal: string; implicit?: string; tags: string[] };
const HEAD_WORDS = new Set(HEADS.flatMap(([, nouns]) => nouns));
// Nouns of measure and time: the word before one is its modifier ("vote share", "release date").
const MEASURES = new Set(HEADS.filter(([type]) => type === 'number' || type === 'date').flatMap(([, nouns]) => nouns));
const AUXILIARY = /^(do|does|did|is|are|was|were|has|have|had|will|would|can|could|should|may|might|must)$/;
const STOPS = ['Verb', 'Auxiliary', 'Copula', 'Preposition', 'Conjunction', 'Pronoun', 'QuestionWord'];

/** The last noun of the phrase after "which"/"what" (or "what is the"), before its verb or preposition. */
function headNoun(doc: any): Term | null {
  const terms = (doc.json() as { terms: Term[] }[]).flatMap((s) => s.terms);
  const at = terms.findIndex((t) => t.normal === 'which' || t.normal === 'what' || t.normal === "what's");
  if (at < 0) return null;
  let i = at + 1;
  // "what is the age of…": skip the copula and the article.
  // "what's" is "what" and an implicit "is", whose normal form compromise leaves empty.
  if (terms[i] && /^(is|was|are|were)$/.test(terms[i]!.normal || (terms[i]!.implicit ?? ''))) i++;
  if (terms[i]?.normal === 'the') i++;
  let head: Term | null = null;
  for (const first = i; i < terms.length; i++) {
    const t = terms[i]!;
    // compromise reads "date" in "what date will…", "vote" in "what vote share…" and "count" in "the vote count" as verbs: in the question's noun phrase they are nouns.
    const noun =
      t.tags.includes('Noun') ||
      (!AUXILIARY.test(t.normal) && ((i === first && (HEAD_WORDS.has(t.normal) || MEASURES.has(terms[i + 1]?.normal ?? ''))) || (head !== null && MEASURES.has(t.normal))));
    if (!noun && (t.tags.some((g) => STOPS.includes(g)) || t.normal === 'the')) break;
    if (noun) head = t;
  }
  return head;
}
