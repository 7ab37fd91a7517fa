import nlp from 'compromise';

// "Who won…?", "did the talks end with a deal?", "what was the result?": asks how something turned out.
const OUTCOME = /\b(won|win|wins|winning|outcome|results?|final score|end(?:ed|s)? up|end(?:ed)? (?:with|in)|back(?:ed|ing|s)? down|verdict)\b/;

/** Whether a question asks how something turned out. */
export function asksOutcome(lower: string): boolean {
  return OUTCOME.test(lower);
}

const TO_COME = /future|progressive/;
const DONE = /past|perfect/;
const cache = new Map<string, boolean>();

/**
 * Whether a passage speaks of events only as still to come ("is contesting…, where polling is
 * scheduled", "will take place"): future, scheduled or ongoing verbs and none in the past. Such a
 * passage previews an outcome; it cannot report one.
 */
export function onlyPreviews(text: string): boolean {
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const forms = ((nlp(text) as any).verbs().json() as { text: string; verb?: { grammar?: { form?: string } } }[]).map((v) => (/\bscheduled|\bset to|\bdue to/.test(v.text) ? 'future' : (v.verb?.grammar?.form ?? '')));
  const out = forms.some((f) => TO_COME.test(f)) && !forms.some((f) => DONE.test(f));
  if (cache.size > 5_000) cache.clear();
  cache.set(text, out);
  return out;
}
