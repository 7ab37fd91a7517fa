import type { Candidate, EmbedFn } from './answer.ts';
import { entitySpans } from './entities.ts';
import type { QuestionAnalysis } from './question.ts';

// Cosine of the counted phrase to the words a number counts, above which they name the same thing
// ("kids" / "children" 0.89 with MiniLM) — below it "Israelis" / "children" 0.33, "votes" / "representatives" 0.43.
const SAME_THING = 0.6;

/** The words a number counts: up to three after it, to the next punctuation ("1,413 children, 1,000 women" → "children"). */
export function countedAfter(source: string, end: number): string {
  return source.slice(end, end + 60).split(/[,.;:!?()“”"—–]/)[0]!.trim().split(/\s+/).slice(0, 3).join(' ');
}

/**
 * Candidates whose counts were all judged off focus by their words alone get a second look by
 * meaning: the question's counted phrase against the words after each number of the window, all
 * embedded in one batch. A synonym ("kids" / "children") makes that number the answer, in place.
 */
export async function confirmFocusByMeaning(candidates: Candidate[], q: QuestionAnalysis, embed: EmbedFn | null): Promise<void> {
  const doubtful = candidates.filter((c) => c.window.offFocus && c.window.answer);
  if (!embed || !q.counted || !doubtful.length) return;
  const counts = doubtful.flatMap((c) =>
    c.window.sentences.flatMap((s) =>
      entitySpans(c.source.slice(s.start, s.end))
        .filter((e) => e.type === 'number')
        .map((e) => ({ c, start: s.start + e.start, end: s.start + e.end, words: countedAfter(c.source, s.start + e.end) }))
        .filter((n) => n.words),
    ),
  );
  if (!counts.length) return;
  const [asked, ...found] = await embed([q.counted, ...counts.map((n) => n.words)]);
  counts.forEach((n, i) => {
    if (!n.c.window.offFocus || dot(asked!, found[i]!) < SAME_THING) return;
    n.c.window.offFocus = false;
    n.c.window.answer = { start: n.start, end: n.end };
  });
}

function dot(a: Float32Array, b: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}
