// Chat shorthand for units and people, written out so that question analysis, BM25 and the
// embedder read "how many yrs" as "how many years".
// Question words typed without their apostrophe ("whos", "wat") are question words, not words the corpus
// lacks (which would weigh as evidence of a topic it does not cover).
const SHORTHAND: Record<string, string> = {
  yr: 'year', yrs: 'years', hr: 'hour', hrs: 'hours', mins: 'minutes', wk: 'week', wks: 'weeks', ppl: 'people', govt: 'government', dept: 'department', intl: 'international',
  wat: 'what', wut: 'what', whats: "what's", whos: "who's", wheres: "where's", whens: "when's", hows: "how's", b4: 'before', cuz: 'because', abt: 'about', uni: 'university', pic: 'picture', pics: 'pictures', pix: 'pictures', hq: 'headquarters', anon: 'anonymous', nyc: 'New York City',
};
const SHORTHAND_WORD = new RegExp(`\\b(${Object.keys(SHORTHAND).join('|')})\\b`, 'gi');
// "Gen sec" is how party and union papers write a general secretary; a bare "sec" may be a second.
const GENERAL_SEC = /\b(gen(?:eral)?\.?)\s+sec\b\.?/gi;
// Articles write months out ("August 5th"); "may" and "mar" are words as often as months.
const MONTHS: Record<string, string> = { jan: 'January', feb: 'February', apr: 'April', jun: 'June', jul: 'July', aug: 'August', sep: 'September', sept: 'September', oct: 'October', nov: 'November', dec: 'December' };
const MONTH_WORD = new RegExp(`\\b(${Object.keys(MONTHS).join('|')})\\b\\.?`, 'gi');

/** The question with chat shorthand and months written out ("ppl" → "people", "Aug." → "August"); everything else as typed. */
export function expandShorthand(question: string): string {
  return question.replace(SHORTHAND_WORD, (w) => SHORTHAND[w.toLowerCase()]!).replace(GENERAL_SEC, 'general secretary').replace(MONTH_WORD, (_, m: string) => MONTHS[m.toLowerCase()]!);
}
