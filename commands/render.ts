import { escapeMarkdown } from 'discord.js';
import { MIN_CONFIDENCE } from '../retrieval/answer.ts';
import { citation as baseCitation, type ArticleMeta, type Passage } from '../retrieval/types.ts';
import { clip } from './limits.ts';

/** "Title — Author · Source · 2024-05-24": the engine's citation with Discord's separator. */
export const citation = (a: ArticleMeta): string => baseCitation(a, ' · ');

/** An article URL an embed may link to; Discord rejects the whole message for anything else. */
export const embedUrl = (url: string | null | undefined): string | undefined => (url && /^https?:\/\/\S+$/.test(url) ? url : undefined);

/** Where a passage sits: "¶4 · Israel’s defeat". */
export function location(p: Pick<Passage, 'paragraph' | 'section'>): string {
  return p.section ? `¶${p.paragraph} · ${p.section}` : `¶${p.paragraph}`;
}

/** A cue users can read at a glance; the thresholds follow the engine's refusal threshold. */
export function confidenceCue(score: number): string {
  if (score >= MIN_CONFIDENCE + 0.15) return '🟢 strong match';
  if (score >= MIN_CONFIDENCE) return '🟡 good match';
  return '🟠 related';
}

/** Markdown-escaped text no longer than `max`, shortened (with an ellipsis) at a sentence or word. */
export function safeText(text: string, max: number): { text: string; clipped: boolean } {
  let limit = max;
  for (;;) {
    const cut = clip(text, limit);
    const escaped = escapeMarkdown(cut);
    if (escaped.length <= max) return { text: escaped, clipped: cut !== text };
    limit -= escaped.length - max;
  }
}

/** Each line prefixed as a Discord block quote. */
export function blockQuote(text: string): string {
  return text
    .split('\n')
    .map((l) => `> ${l}`)
    .join('\n');
}
