import { readFileSync } from 'node:fs';
import type { DevSet } from './devset.ts';

/** A question set in the development sets' format from any path (e.g. the Discord feedback export), checked for its three lists. */
export function loadQuestionSet(path: string): DevSet {
  let set: Partial<DevSet>;
  try {
    set = JSON.parse(readFileSync(path, 'utf8')) as Partial<DevSet>;
  } catch (e) {
    throw new Error(`Cannot read the question set ${path}: ${(e as Error).message}`);
  }
  if (!Array.isArray(set.answerable) || !Array.isArray(set.nearTopic) || !Array.isArray(set.farOff)) throw new Error(`${path} is not a question set: it needs "answerable", "nearTopic" and "farOff" lists.`);
  return set as DevSet;
}
