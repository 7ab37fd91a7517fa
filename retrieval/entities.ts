import nlp from 'compromise';
import dates from 'compromise-dates';
import { storedSpans } from './sentence-tags.ts';
import { terms } from './text.ts';

nlp.plugin(dates);

/** What a question asks for, and what a passage can supply. */
export type AnswerType = 'person' | 'organisation' | 'name' | 'date' | 'number' | 'age' | 'duration' | 'place' | 'reason' | 'definition' | 'statement';

export interface EntitySpan {
  type: AnswerType;
  start: number;
  end: number;
}

// Roles that only a person holds: the capitalised words right after one are that person's name,
// even when compromise does not know the first name ("foreign affairs chief Josep Borrell").
export const PERSON_ROLES = ['chief', 'head', 'secretary', 'minister', 'president', 'premier', 'chancellor', 'leader', 'prosecutor', 'judge', 'lawyer', 'attorney', 'spokesman', 'spokeswoman', 'spokesperson', 'ambassador', 'envoy', 'candidate', 'member', 'official', 'commander', 'general', 'governor', 'mayor', 'senator', 'chairman', 'chairwoman', 'chair', 'director', 'founder', 'activist', 'journalist', 'reporter', 'editor', 'correspondent', 'diplomat', 'author', 'writer', 'columnist', 'deputy', 'lawmaker', 'legislator', 'mp', 'professor', 'researcher', 'economist', 'analyst', 'pundit', 'coordinator', 'organiser', 'organizer', 'king', 'queen', 'prince'];
export const SPEECH_VERBS = 'said|says|told|tells|stated|states|warned|warns|claimed|claims|argued|argues|announced|announces|declared|declares|added|adds|insisted|insists|stressed|stresses|replied|replies|responded|responds|asserted|asserts|alleged|alleges|explained|explains|urged|urges|vowed|vows|promised|promises|expressed|threatened|threatens';
const ROLE_THEN_NAME = `(${PERSON_ROLES.join('|')}) [#ProperNoun #ProperNoun+]`;
// Most sentences hold no role word: a plain regular expression spares them compromise's match.
const ROLE_WORD = new RegExp(`\\b(${PERSON_ROLES.join('|')})\\b`, 'i');

/** Words that name a time of day: they answer "at what time…?" where a weekday or a date does not. */
const TIME_OF_DAY = /\b(dawn|dusk|daybreak|midnight|noon|midday|sunrise|sunset|nightfall|overnight|hours|night|morning|evening|afternoon|a\.?m\.?|p\.?m\.?|o'clock|\d{1,2}[:.]\d{2})\b/i;

export type DateGrain = 'time' | 'year';
/** Words a date must hold to answer a question about that part of a date ("at what time…?", "what year…?"). */
export const GRAIN: Record<DateGrain, RegExp> = { time: TIME_OF_DAY, year: /\b(?:1[89]\d\d|20\d\d)\b|\b(?:last|this|next|that|the same) year\b/i };

// compromise views (or matches) that supply each kind of answer.
const VIEWS: [AnswerType, (d: any, text: string) => any][] = [
  ['person', (d) => d.people()],
  ['person', (d) => d.match('#Person+')],
  ['person', (d, text) => (ROLE_WORD.test(text) ? d.match(ROLE_THEN_NAME, 0).not('(#Place|#Organization|#Date|#Month|#WeekDay)') : d.none())],
  ['organisation', (d) => d.organizations()],
  // Two letters ("CC", "UK") are too often an abbreviation of something else to stand for a body.
  ['organisation', (d) => d.match('#Acronym').not('#Place').filter((m: any) => m.text('normal').replace(/[^a-z]/g, '').length > 2)],
  ['name', (d) => d.match('#ProperNoun+').not('(#Date|#Month|#WeekDay|#Year)')],
  ['place', (d) => d.places()],
  // A date names a day, month or year: "ago" or "the same day" is not an answer to "when".
  ['date', (d) => d.dates().if('(#Value|#Month|#WeekDay|#Year|#Holiday)')],
  ['date', (d) => d.match('(#Month|#WeekDay|#Year)+')],
  // A time of day answers "when" and "at what time" as well as a date does.
  ['date', (d, text) => (TIME_OF_DAY.test(text) ? d.match('(crack of dawn|dawn|dusk|daybreak|midnight|noon|midday|sunrise|sunset|nightfall|overnight|early hours|late at night|at night|during the night)') : d.none())],
  // "one of the biggest problems" is not a count.
  ['number', (d) => d.numbers().not('#Ordinal').filter((m: any) => m.text('normal') !== 'one')],
  ['number', (d) => d.match('(thousands|hundreds|dozens|millions|several|half|a dozen|a half dozen|majority|percent|per cent|%)')],
  ['duration', (d) => d.durations?.() ?? d.none()],
  // "How long" asks for a span of time or a length: "34 years", "4,209 km".
  ['duration', (d) => d.match('#Value+ (#Duration|days|weeks|months|years|decades|hours|minutes|km|kilometres|kilometers|miles|metres|meters|feet)')],
  ['reason', (d) => d.match('(because|due to|owing to|since|as a result|in order to|so as to|in protest|to protest|protesting|demanding|against|over|aimed at|in response to|after|amid|the reason)')],
  ['definition', (d) => d.match('(is|are|was|were|means|refers to|stands for|known as|called) (a|an|the)?')],
  ['definition', (d) => d.match('#ProperNoun+ [#Comma] (a|an|the|who|which)').growRight('#Noun')],
  // What someone said: their words in quotation marks, or the clause a verb of saying opens.
  ['statement', (d) => d.quotations().filter((m: any) => m.terms().length >= 3)],
  // "alleged extortion" is not someone speaking.
  ['statement', (d) => d.match(`(${SPEECH_VERBS})`).filter((m: any) => m.has('#Verb'))],
  ['statement', (d) => d.match('according to')],
];

const NAME_GOES_ON = /^ (\p{Lu}\p{Ll}+(?:[-'’]\p{Lu}?\p{Ll}+)?)(?![\p{L}])/u;
// Capitalised words just before " (30)": "Srijan Bhattacharya (31)".
const NAME_BEFORE = /((?:\p{Lu}[\p{L}'’-]+ ){0,3}\p{Lu}[\p{L}'’-]+) $/u;
const CALENDAR = /\b(jan(uary)?|feb(ruary)?|mar(ch)?|apr(il)?|may|june?|july?|aug(ust)?|sept?(ember)?|oct(ober)?|nov(ember)?|dec(ember)?|monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b|\b\d{4}\b/i;
const TRAILING = /[\s,.;:!?—–\-“”"’')(]+$/;
const LEADING = /^[\s,.;:!?—–\-“”"‘'(]+/;
const cache = new Map<string, EntitySpan[]>();

/** Entity, date, number and cue spans in `text` (offsets into it), memoised: sentences recur across questions. */
export function entitySpans(text: string): EntitySpan[] {
  // Corpus sentences were tagged at ingest (sentence-tags.ts): only other text meets compromise here.
  const hit = cache.get(text) ?? storedSpans(text);
  if (hit) return hit;
  const doc = nlp(text);
  const out: EntitySpan[] = [];
  for (const [type, view] of VIEWS) {
    for (const j of view(doc, text).json({ offset: true }) as { text: string; offset: { start: number; length: number } }[]) {
      let start = j.offset.start;
      let end = start + j.offset.length;
      const raw = text.slice(start, end);
      start += raw.length - raw.replace(LEADING, '').length;
      end -= raw.length - raw.replace(TRAILING, '').length;
      if (end > start) out.push({ type, start, end });
    }
  }
  // compromise may know only a first name ("Photo: Wyatt Souers"): a name runs on over the capitalised words after it.
  for (const e of out) {
    if (e.type !== 'person') continue;
    for (let m = NAME_GOES_ON.exec(text.slice(e.end)); m && !CALENDAR.test(m[1]!); m = NAME_GOES_ON.exec(text.slice(e.end))) e.end += m[0].length;
  }
  // News gives ages as "Dipsita Dhar (30)", "aged 41" or "a 41-year-old"; compromise sees only a number.
  for (const m of text.matchAll(/\((\d{1,3})\)|\baged (\d{1,3})\b|\b(\d{1,3})-year-old\b/g)) {
    const n = m[1] ?? m[2] ?? m[3]!;
    const start = m.index! + m[0].indexOf(n);
    out.push({ type: 'age', start, end: start + n.length });
    // …and whoever is given an age in brackets is a person, whether or not compromise knows the name.
    const name = m[1] ? NAME_BEFORE.exec(text.slice(0, m.index))?.[1] : undefined;
    if (name && !out.some((e) => e.type === 'person' && e.end === m.index! - 1)) out.push({ type: 'person', start: m.index! - 1 - name.length, end: m.index! - 1 });
  }
  // Lengths written as one hyphenated word: "a 7,000-word document", "the 11-day campaign", "a decade-long blockade".
  for (const m of text.matchAll(/\b\d[\d,.]*-(?:word|page|minute|hour|day|week|month|year|km|kilometre|kilometer|mile)s?\b|\b(?:(?:an?|one|two|three|four|five|six|seven|eight|nine|ten)[- ])?(?:hour|day|week|month|year|decade|century)s?-long\b/gi)) {
    out.push({ type: 'duration', start: m.index!, end: m.index! + m[0].length });
    if (/^\d/.test(m[0])) out.push({ type: 'number', start: m.index!, end: m.index! + m[0].length });
  }
  // An age is not a count ("Jane Doe (41)" does not answer "how many jobs?"), nor is a day or a year
  // of a calendar date ("May 13", "August 5th, 2022" do not answer "how many were arrested?").
  const notCounts = out.filter((e) => e.type === 'age' || (e.type === 'date' && CALENDAR.test(text.slice(e.start, e.end))));
  const kept = notCounts.length ? out.filter((e) => e.type !== 'number' || !notCounts.some((a) => a.start <= e.start && e.end <= a.end)) : out;
  if (cache.size > 20_000) cache.clear();
  cache.set(text, kept);
  return kept;
}

/**
 * How well a span of type `have` answers a question expecting `want`: 0 exactly, 1 or 2 as a looser
 * stand-in (a "who" is sometimes answered by a body; a "where" by an institution), null not at all.
 */
export function fit(want: AnswerType, have: AnswerType): 0 | 1 | 2 | null {
  if (want === have) return 0;
  switch (want) {
    case 'name':
      return have === 'person' || have === 'organisation' || have === 'place' ? 0 : null;
    case 'person':
      return have === 'organisation' ? 1 : null;
    case 'organisation':
      return have === 'person' ? 2 : null;
    // Places are often institutions or buildings ("in front of the National Congress").
    case 'place':
      return have === 'organisation' ? 1 : have === 'name' ? 2 : null;
    default:
      return null;
  }
}

const CITY_HEADS = new Set(terms('city town capital'));
const COUNTRY_HEADS = new Set(terms('country nation'));

/** Whether a place is of another kind than the one a "which city/country" question asks for ("China" for "which city", "Beijing" for "which country"), as compromise knows them. */
export function otherKindOfPlace(head: string, place: string): boolean {
  if (!CITY_HEADS.has(head) && !COUNTRY_HEADS.has(head)) return false;
  const doc = nlp(place);
  return CITY_HEADS.has(head) ? doc.has('#Country') && !doc.has('#City') : doc.has('#City') && !doc.has('#Country');
}

/** Whether a span of type `have` can answer a question expecting `want` at all. */
export function satisfies(want: AnswerType, have: AnswerType): boolean {
  return fit(want, have) !== null;
}
