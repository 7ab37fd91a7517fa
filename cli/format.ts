import type { ArticleListing, SourceMatch } from '../retrieval/engine.ts';
import type { Summary } from '../retrieval/summary.ts';
import { citation, MISSING_LABELS, PART_LABELS, type Answer, type Passage } from '../retrieval/types.ts';

export function passageToJson(p: Passage) {
  const { id, title, author, source, date } = p.article;
  return {
    quote: p.quote,
    score: p.score,
    paragraph: p.paragraph,
    kind: p.kind,
    answer: p.answer ? { start: p.answer.start, end: p.answer.end } : null,
    article: { id, title, author, source, date },
  };
}

export function answerToJson(a: Answer) {
  return { question: a.question, answered: a.answered, passages: a.passages.map(passageToJson), related: (a.related ?? []).map(passageToJson), missing: a.missing ?? null };
}

/** Wraps a quote in quotation marks unless it already opens with one. */
const quoted = (s: string) => (/^[“"‘]/.test(s) ? s : `“${s}”`);

/** "paragraph 4 (Section)", or "about the author", "standfirst", "photo caption" for a quote from outside the body. */
const where = (p: Passage) => (p.kind !== 'body' ? PART_LABELS[p.kind].toLowerCase() : `paragraph ${p.paragraph}${p.section ? ` (${p.section})` : ''}`);

/** The words of the quote that carry the answer, or null when there are none (or the offsets are off). */
function answerText(p: Passage): string | null {
  const a = p.answer;
  if (!a || a.start < 0 || a.end > p.quote.length || a.start >= a.end) return null;
  const text = p.quote.slice(a.start, a.end).trim();
  return text || null;
}

function formatPassage(p: Passage, n: number, withAnswer: boolean): string {
  const lines = [`${n}. ${quoted(p.quote)}`];
  const answer = withAnswer ? answerText(p) : null;
  if (answer) lines.push(`   answer: “${answer}”`);
  lines.push(`   — ${citation(p.article)}, ${where(p)} [score ${p.score.toFixed(2)}]`);
  return lines.join('\n');
}

export function formatAnswer(a: Answer): string {
  if (!a.answered) {
    const refusal = `Nothing reliable found in the corpus for "${a.question}"${a.missing ? `: the passages on this topic give no ${MISSING_LABELS[a.missing]}` : ''}.`;
    const related = a.related ?? [];
    if (!related.length) return refusal;
    return `${refusal}\n\nClosest passages (not an answer):\n${related.map((p, i) => formatPassage(p, i + 1, false)).join('\n\n')}`;
  }
  return a.passages.map((p, i) => formatPassage(p, i + 1, true)).join('\n\n');
}

export function formatSummary(s: Summary): string {
  const lines = [citation(s.article)];
  if (s.standfirst) lines.push(`  ${s.standfirst}`);
  lines.push('');
  for (const x of s.sentences) lines.push(`• ${x.text} [¶${x.paragraph}]`);
  return lines.join('\n');
}

export function formatSources(query: string, matches: SourceMatch[]): string {
  if (!matches.length) return `No article covers "${query}".`;
  return matches.map((m, i) => `${i + 1}. ${citation(m.article)}\n   ${quoted(m.passage.quote)} (${m.passage.kind !== 'body' ? PART_LABELS[m.passage.kind].toLowerCase() : `¶${m.passage.paragraph}`})`).join('\n');
}

export function formatArticles(list: ArticleListing[]): string {
  return list.map((a, i) => `${String(i + 1).padStart(3)}. ${citation(a)} (${a.paragraphs} paragraph${a.paragraphs === 1 ? '' : 's'}) [${a.id}]`).join('\n');
}
