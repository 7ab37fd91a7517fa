import { MAX_QUESTION_CHARS } from '../retrieval/errors.ts';
import { clip } from './limits.ts';

/**
 * A Discord message's text as a question: mentions, custom emoji, links and code-fence markers
 * removed (they are not words of the question), white space folded, clipped to the question limit.
 */
export function questionFromMessage(content: string): string {
  const text = content
    .replace(/```[^\n`]*\n?|```/g, ' ')
    .replace(/`/g, '')
    .replace(/<@[!&]?\d+>|<#\d+>|<\/[^:>]+:\d+>|<a?:\w+:\d+>|<t:\d+(?::\w)?>/g, ' ')
    .replace(/<?https?:\/\/[^\s>]+>?/g, ' ')
    .replace(/@(everyone|here)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return clip(text, MAX_QUESTION_CHARS);
}
