// Chat shorthand for units and people, written out so that question analysis, BM25 and the
// embedder read "how many yrs" as "how many years".
const SHORTHAND: Record<string, string> = { yr: 'year', yrs: 'years', hr: 'hour', hrs: 'hours', mins: 'minutes', wk: 'week', wks: 'weeks', ppl: 'people', govt: 'government', dept: 'department', intl: 'international' };
const SHORTHAND_WORD = new RegExp(`\\b(${Object.keys(SHORTHAND).join('|')})\\b`, 'gi');

/** The question with chat shorthand written out ("ppl" → "people"); everything else as typed. */
export function expandShorthand(question: string): string {
  return question.replace(SHORTHAND_WORD, (w) => SHORTHAND[w.toLowerCase()]!);
}
