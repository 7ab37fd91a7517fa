import type { Candidate, EmbedFn } from './answer.ts';
import { countedAfter, mayAnswer } from './candidates.ts';
import { entitySpans } from './entities.ts';
import type { QuestionAnalysis } from './question.ts';

// Cosine of the counted phrase to the words a number counts, above which they name the same thing:
// near-synonyms only ("kids" / "children" 0.89 with MiniLM); kindred groups are not the same thing
// ("Israelis" / "Palestinians" 0.78, "constituencies" / "seats" 0.46).
const SAME_THING = 0.8;

/**
 * Candidates whose counts were all judged off focus by their words alone get a second look by
 * meaning: the question's counted phrase against the words after each number of the window, all
 * embedded in one batch. A synonym ("kids" / "children") makes that number the answer, in place.
 */
export async function confirmFocusByMeaning(candidates: Candidate[], q: QuestionAnalysis, embed: EmbedFn | null): Promise<Candidate[]> {
  // A count from a passage about another year or month stays off focus whatever it counts.
  const doubtful = candidates.filter((c) => c.window.offFocus && c.window.answer && !c.window.elsewhen);
  if (!embed || !q.counted || !doubtful.length) return [];
  const counts = doubtful.flatMap((c) =>
    c.window.sentences.flatMap((s) =>
      entitySpans(c.source.slice(s.start, s.end))
        // A count of another tally (the dead, where the injured were asked for), or "thousands" where the exact figure was, stays off focus whatever it counts.
        .filter((e) => e.type === 'number' && mayAnswer(q, c.source.slice(s.start, s.end), e))
        .map((e) => ({ c, start: s.start + e.start, end: s.start + e.end, words: countedAfter(c.source, s.start + e.end) }))
        .filter((n) => n.words),
    ),
  );
  if (!counts.length) return [];
  const phrases = [...new Set(counts.map((n) => n.words))];
  const [asked, ...found] = await embed([q.counted, ...phrases]);
  const vector = new Map(phrases.map((w, i) => [w, found[i]!]));
  const confirmed: Candidate[] = [];
  for (const n of counts) {
    if (!n.c.window.offFocus || dot(asked!, vector.get(n.words)!) < SAME_THING) continue;
    n.c.window.offFocus = false;
    n.c.window.answer = { start: n.start, end: n.end };
    confirmed.push(n.c);
  }
  return confirmed;
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
