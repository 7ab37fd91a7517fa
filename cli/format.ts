import type { ArticleListing, SourceMatch } from '../retrieval/engine.ts';
import type { Summary } from '../retrieval/summary.ts';
import { citation, type Answer, type Passage } from '../retrieval/types.ts';

export function passageToJson(p: Passage) {
  const { id, title, author, source, date } = p.article;
  return { quote: p.quote, score: p.score, paragraph: p.paragraph, article: { id, title, author, source, date } };
}

export function answerToJson(a: Answer) {
  return { question: a.question, answered: a.answered, passages: a.passages.map(passageToJson) };
}

/** Wraps a quote in quotation marks unless it already opens with one. */
const quoted = (s: string) => (/^[“"‘]/.test(s) ? s : `“${s}”`);

export function formatAnswer(a: Answer): string {
  if (!a.answered) return `Nothing reliable found in the corpus for "${a.question}".`;
  return a.passages
    .map((p, i) => `${i + 1}. ${quoted(p.quote)}\n   — ${citation(p.article)}, paragraph ${p.paragraph}${p.section ? ` (${p.section})` : ''} [score ${p.score.toFixed(2)}]`)
    .join('\n\n');
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
  return matches.map((m, i) => `${i + 1}. ${citation(m.article)}\n   ${quoted(m.passage.quote)} (¶${m.passage.paragraph})`).join('\n');
}

export function formatArticles(list: ArticleListing[]): string {
  return list.map((a, i) => `${String(i + 1).padStart(3)}. ${citation(a)} (${a.paragraphs} paragraph${a.paragraphs === 1 ? '' : 's'}) [${a.id}]`).join('\n');
}
