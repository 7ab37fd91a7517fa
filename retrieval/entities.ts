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
  ['organisation', (d) => d.match('#Acronym').not('#Place')],
  ['name', (d) => d.match('#ProperNoun+').not('(#Date|#Month|#WeekDay|#Year)')],
  ['place', (d) => d.places()],
  // A date names a day, month or year: "ago" or "the same day" is not an answer to "when".
  ['date', (d) => d.dates().if('(#Value|#Month|#WeekDay|#Year|#Holiday)')],
  ['date', (d) => d.match('(#Month|#WeekDay|#Year)+')],
  ['number', (d) => d.numbers().not('#Ordinal')],
  ['number', (d) => d.match('(thousands|hundreds|dozens|millions|several|half|a dozen|a half dozen|majority|percent|per cent|%)')],
  ['duration', (d) => d.durations?.() ?? d.none()],
  ['duration', (d) => d.match('#Value+ (#Duration|days|weeks|months|years|decades|hours|minutes)')],
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
  if (cache.size > 20_000) cache.clear();
  cache.set(text, out);
  return out;
}

/** Types a span can stand for when a question expects `want` (a "who" is answered by a person or a body). */
export function satisfies(want: AnswerType, have: AnswerType): boolean {
  if (want === have) return true;
  if (want === 'name') return have === 'person' || have === 'organisation' || have === 'place' || have === 'name';
  if (want === 'person') return have === 'organisation';
  if (want === 'organisation') return have === 'person';
  if (want === 'duration') return have === 'number' || have === 'date';
  // Places are often institutions or buildings ("in front of the National Congress").
  if (want === 'place') return have === 'name' || have === 'organisation';
  return false;
}
