import { terms } from './text.ts';

/**
 * The tallies news reports keep apart: a count of the dead does not answer "how many were injured?",
 * nor does a count of marchers answer "how many were arrested?". Each is the words (stemmed) that
 * name it in a question and in the sentence holding the count. "Casualties" names no single tally.
 */
const COUNTED: Record<string, string> = {
  dead: 'killed kill kills killing dead die died dies dying death deaths massacre massacred massacres martyr martyrs martyred slain fatalities fatality murdered',
  injured: 'injured injure injures injuring injury injuries wounded wound wounds wounding hurt',
  arrested: 'arrested arrest arrests arresting detained detain detains detaining detention detentions detainees jailed jail imprisoned prisoners custody',
  displaced: 'displaced displacement homeless evacuated evacuees refugees fled',
  missing: 'missing disappeared',
  captive: 'kidnapped kidnap abducted abduction hostages hostage captives captive',
};

// Dates are of a start more often than not, and say so rarely ("On 5 August, the army launched…"); an end
// is said outright: "when did the assault end?" is not answered by the day it began. A question asks
// for an end with its verb; a sentence may name it by what ends a fight or a stay too.
// So is a vote: "when was she elected?" is not answered by the day her government cracked down.
const DATED: Record<string, string> = {
  ended: 'end ended ends finish finished stop stopped conclude concluded halt halted',
  elected: 'elect elected elects election elections vote votes voted voting poll polls polling ballot ballots sworn inaugurated inauguration',
};
const ENDS_TOO = { ended: 'ending until till ceasefire truce lasted' };

const stemsOf = (tallies: Record<string, string>) => new Map<string, string>(Object.entries(tallies).flatMap(([tally, ws]) => terms(ws).map((t) => [t, tally] as const)));
const COUNT_STEMS = stemsOf(COUNTED);
const DATE_STEMS = stemsOf(DATED);
// What a sentence may name: every tally's words, no word naming two tallies.
const SENTENCE_STEMS = new Map([...COUNT_STEMS, ...DATE_STEMS, ...stemsOf(ENDS_TOO)]);

/** The tallies a text names ("how many were wounded?" → injured); of a date ("when did it end?" → ended) for a date question. */
export function talliesIn(text: string, of: 'number' | 'date' = 'number'): Set<string> {
  const stems = of === 'date' ? DATE_STEMS : COUNT_STEMS;
  return new Set(terms(text).flatMap((t) => stems.get(t) ?? []));
}

/** Whether a sentence names one of the tallies asked for: a count (or date, or yes) of another tally, or of none, is not the one asked. */
export function countsTally(sentence: string, asked: Set<string>): boolean {
  return terms(sentence).some((t) => asked.has(SENTENCE_STEMS.get(t) ?? ''));
}
