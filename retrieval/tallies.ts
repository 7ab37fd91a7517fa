import { terms } from './text.ts';

/**
 * The tallies news reports keep apart: a count of the dead does not answer "how many were injured?",
 * nor does a count of marchers answer "how many were arrested?". Each is the words (stemmed) that
 * name it in a question and in the sentence holding the count. "Casualties" names no single tally.
 */
const TALLIES: Record<string, string> = {
  dead: 'killed kill kills killing dead die died dies dying death deaths massacre massacred massacres martyr martyrs martyred slain fatalities fatality murdered',
  injured: 'injured injure injures injuring injury injuries wounded wound wounds wounding hurt',
  arrested: 'arrested arrest arrests arresting detained detain detains detaining detention detentions detainees jailed jail imprisoned prisoners custody',
  displaced: 'displaced displacement homeless evacuated evacuees refugees fled',
  missing: 'missing disappeared',
  captive: 'kidnapped kidnap abducted abduction hostages hostage captives captive',
};

const STEMS = new Map<string, string>(Object.entries(TALLIES).flatMap(([tally, ws]) => terms(ws).map((t) => [t, tally] as const)));

/** The tallies a text names ("how many were wounded?" → injured). */
export function talliesIn(text: string): Set<string> {
  return new Set(terms(text).flatMap((t) => STEMS.get(t) ?? []));
}

/** Whether a sentence holding a count names one of the tallies asked for: a count of another tally, or of no tally, is not the one asked. */
export function countsTally(sentence: string, asked: Set<string>): boolean {
  for (const t of talliesIn(sentence)) if (asked.has(t)) return true;
  return false;
}
