import type { RecordedAnswer } from '../discord/feedback.ts';

/** An evaluation question set as bench/questions/seed-paraphrase.json has it (bench/devset.ts reads it). */
export interface FeedbackQuestions {
  about: string;
  answerable: { q: string; expect: string; title: string; type: string; style: string; split: 'validation' }[];
  nearTopic: { q: string; title: string; why: string; split: 'validation' }[];
  farOff: { q: string; split: 'validation' }[];
  /** Answers voted Not helpful: the right passage is unknown, so they wait for a person to write one (the evaluation skips this list). */
  toReview: { q: string; shown: { title: string; paragraph: number; quote: string }[]; helpful: number; notHelpful: number }[];
}

/**
 * The voted answers as evaluation questions, by majority vote. A helpful answer's first passage is the
 * expected one (its answer span when it had one, else the whole quote); a helpful refusal is a question
 * the corpus should not answer. Ties and "not helpful" go to `toReview`.
 */
export function feedbackToQuestions(voted: RecordedAnswer[]): FeedbackQuestions {
  const out: FeedbackQuestions = {
    about: 'Questions asked on Discord and voted on with Helpful / Not helpful, exported by `npm run cli -- feedback --export`. Same format as bench/questions/seed-paraphrase.json; every entry is in the "validation" split. Passages voted helpful give the expected quote; refusals voted helpful are farOff; the rest is listed in toReview for a person to label.',
    answerable: [],
    nearTopic: [],
    farOff: [],
    toReview: [],
  };
  const seen = new Set<string>();
  for (const a of voted) {
    // The same question asked twice is one evaluation question (the first one voted helpful).
    const key = a.question.toLowerCase();
    const top = a.passages[0];
    const helpful = a.helpful > a.notHelpful;
    if (helpful && seen.has(key)) continue;
    if (helpful) seen.add(key);
    if (helpful && a.answered && top) {
      const expect = top.answer ? top.quote.slice(top.answer.start, top.answer.end).trim() : top.quote;
      out.answerable.push({ q: a.question, expect: expect || top.quote, title: top.title, type: 'feedback', style: 'discord', split: 'validation' });
    } else if (helpful && !a.answered) {
      out.farOff.push({ q: a.question, split: 'validation' });
    } else {
      out.toReview.push({ q: a.question, shown: a.passages.slice(0, 3).map((p) => ({ title: p.title, paragraph: p.paragraph, quote: p.quote })), helpful: a.helpful, notHelpful: a.notHelpful });
    }
  }
  return out;
}

export function formatFeedbackSummary(voted: RecordedAnswer[], path: string): string {
  const helpful = voted.reduce((n, a) => n + a.helpful, 0);
  const notHelpful = voted.reduce((n, a) => n + a.notHelpful, 0);
  const lines = [`Feedback in ${path}: ${voted.length} answer${voted.length === 1 ? '' : 's'} voted on, ${helpful} helpful and ${notHelpful} not helpful votes.`];
  const worst = voted.filter((a) => a.notHelpful > a.helpful).slice(0, 10);
  if (worst.length) {
    lines.push('', 'Voted not helpful:');
    for (const a of worst) lines.push(`  ${a.notHelpful}↓ ${a.helpful}↑  ${a.question}${a.answered ? `  → ${a.passages[0]?.title ?? ''}` : '  (refused)'}`);
  }
  const models = [...new Set(voted.map((a) => a.model))];
  if (models.length) lines.push('', `Answered by: ${models.join(', ')}; index generations: ${new Set(voted.map((a) => a.indexGeneration)).size}.`);
  return lines.join('\n');
}
