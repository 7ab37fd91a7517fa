import nlp from 'compromise';
import dates from 'compromise-dates';

nlp.plugin(dates);

/** What a question asks for, and what a passage can supply. */
export type AnswerType = 'person' | 'organisation' | 'name' | 'date' | 'number' | 'age' | 'duration' | 'place' | 'reason' | 'definition';

export interface EntitySpan {
  type: AnswerType;
  start: number;
  end: number;
}

// compromise views (or matches) that supply each kind of answer.
const VIEWS: [AnswerType, (d: any) => any][] = [
  ['person', (d) => d.people()],
  ['person', (d) => d.match('#Person+')],
  ['organisation', (d) => d.organizations()],
  // Two letters ("CC", "UK") are too often an abbreviation of something else to stand for a body.
  ['organisation', (d) => d.match('#Acronym').not('#Place').filter((m: any) => m.text('normal').replace(/[^a-z]/g, '').length > 2)],
  ['name', (d) => d.match('#ProperNoun+').not('(#Date|#Month|#WeekDay|#Year)')],
  ['place', (d) => d.places()],
  // A date names a day, month or year: "ago" or "the same day" is not an answer to "when".
  ['date', (d) => d.dates().if('(#Value|#Month|#WeekDay|#Year|#Holiday)')],
  ['date', (d) => d.match('(#Month|#WeekDay|#Year)+')],
  // "one of the biggest problems" is not a count.
  ['number', (d) => d.numbers().not('#Ordinal').filter((m: any) => m.text('normal') !== 'one')],
  ['number', (d) => d.match('(thousands|hundreds|dozens|millions|several|half|a dozen|a half dozen|majority|percent|per cent|%)')],
  ['duration', (d) => d.durations?.() ?? d.none()],
  // "How long" asks for a span of time or a length: "34 years", "4,209 km".
  ['duration', (d) => d.match('#Value+ (#Duration|days|weeks|months|years|decades|hours|minutes|km|kilometres|kilometers|miles|metres|meters|feet)')],
  ['reason', (d) => d.match('(because|due to|owing to|since|as a result|in order to|so as to|in protest|to protest|protesting|demanding|against|over|aimed at|in response to|after|amid|the reason)')],
  ['definition', (d) => d.match('(is|are|was|were|means|refers to|stands for|known as|called) (a|an|the)?')],
  ['definition', (d) => d.match('#ProperNoun+ [#Comma] (a|an|the|who|which)').growRight('#Noun')],
];

const TRAILING = /[\s,.;:!?—–\-“”"’')(]+$/;
const LEADING = /^[\s,.;:!?—–\-“”"‘'(]+/;
const cache = new Map<string, EntitySpan[]>();

/** Entity, date, number and cue spans in `text` (offsets into it), memoised: sentences recur across questions. */
export function entitySpans(text: string): EntitySpan[] {
  const hit = cache.get(text);
  if (hit) return hit;
  const doc = nlp(text);
  const out: EntitySpan[] = [];
  for (const [type, view] of VIEWS) {
    for (const j of view(doc).json({ offset: true }) as { text: string; offset: { start: number; length: number } }[]) {
      let start = j.offset.start;
      let end = start + j.offset.length;
      const raw = text.slice(start, end);
      start += raw.length - raw.replace(LEADING, '').length;
      end -= raw.length - raw.replace(TRAILING, '').length;
      if (end > start) out.push({ type, start, end });
    }
  }
  // News gives ages as "Dipsita Dhar (30)", "aged 41" or "a 41-year-old"; compromise sees only a number.
  for (const m of text.matchAll(/\((\d{1,3})\)|\baged (\d{1,3})\b|\b(\d{1,3})-year-old\b/g)) {
    const n = m[1] ?? m[2] ?? m[3]!;
    const start = m.index! + m[0].indexOf(n);
    out.push({ type: 'age', start, end: start + n.length });
  }
  // An age is not a count: "Jane Doe (41)" does not answer "how many jobs?".
  const ages = out.filter((e) => e.type === 'age');
  const kept = ages.length ? out.filter((e) => e.type !== 'number' || !ages.some((a) => a.start === e.start && a.end === e.end)) : out;
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

/** Whether a span of type `have` can answer a question expecting `want` at all. */
export function satisfies(want: AnswerType, have: AnswerType): boolean {
  return fit(want, have) !== null;
}
