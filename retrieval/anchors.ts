/**
 * The years and months a question pins its fact to ("killed in the war of May 2021", "injured after
 * oct 7"): a count or a date from a passage about another time is not its answer.
 */
const MONTHS = ['jan', 'feb', 'mar', 'apr', 'may', 'jun', 'jul', 'aug', 'sep', 'oct', 'nov', 'dec'];
const YEAR = /\b(1[89]\d\d|20\d\d)\b/g;
const MONTH = /\b(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b/gi;

/** Years ("2021") and months ("may") written in the question's date phrases, as compromise finds them. */
export function anchorsIn(datePhrases: string[]): string[] {
  const out = new Set<string>();
  for (const phrase of datePhrases.map((p) => p.toLowerCase())) {
    for (const m of phrase.matchAll(YEAR)) out.add(m[1]!);
    for (const m of phrase.matchAll(MONTH)) out.add(m[1]!.slice(0, 3).toLowerCase());
  }
  return [...out];
}

/** The years and (capitalised) months `text` names, and those of `isoDate` (YYYY-MM-DD) if given. */
export function timesNamed(text: string, isoDate: string | null = null): Set<string> {
  const named = new Set([...text.matchAll(YEAR)].map((m) => m[1]!));
  // Articles capitalise months: a lower-case "may" is the verb.
  for (const m of text.matchAll(MONTH)) if (/^\p{Lu}/u.test(m[1]!)) named.add(m[1]!.slice(0, 3).toLowerCase());
  const date = /^(\d{4})-(\d{2})/.exec(isoDate ?? '');
  if (date) named.add(date[1]!).add(MONTHS[Number(date[2]) - 1] ?? '');
  return named;
}

/**
 * Whether a quote is about another time than the question's anchors: it names other years or months
 * and none of the anchors, or it names no time and neither does its passage (chunk, title, article date).
 */
export function elsewhen(anchors: string[], quote: string, passage: () => Set<string>): boolean {
  if (!anchors.length) return false;
  const own = timesNamed(quote);
  if (anchors.some((a) => own.has(a))) return false;
  return own.size > 0 || !anchors.some((a) => passage().has(a));
}
