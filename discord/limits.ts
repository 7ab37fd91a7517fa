import type { APIEmbed } from 'discord.js';

/** Discord's hard limits (https://discord.com/developers/docs/resources/message#embed-object-embed-limits). */
export const LIMITS = {
  content: 2000,
  embedTitle: 256,
  embedDescription: 4096,
  fieldName: 256,
  fieldValue: 1024,
  footer: 2048,
  authorName: 256,
  embedTotal: 6000,
  fields: 25,
  choices: 25,
  choiceName: 100,
  choiceValue: 100,
  customId: 100,
  buttonLabel: 80,
} as const;

const ELLIPSIS = '…';

/**
 * Shortens text to at most `max` characters, cutting after the last whole sentence that fits
 * when that keeps most of the text, else at the last word boundary; never inside a word unless a
 * single word is longer than `max`. Appends an ellipsis when anything was cut.
 */
export function clip(text: string, max: number): string {
  const { keep, tail } = clipPoint(text, max);
  return text.slice(0, keep) + tail;
}

/** Where `clip` cuts: it keeps `text.slice(0, keep)` and appends `tail` ('' when nothing was cut). */
export function clipPoint(text: string, max: number): { keep: number; tail: string } {
  if (text.length <= max) return { keep: text.length, tail: '' };
  if (max <= 0) return { keep: 0, tail: '' };
  if (max === 1) return { keep: 0, tail: ELLIPSIS };
  const room = max - ELLIPSIS.length;
  const head = text.slice(0, room + 1);
  let sentenceEnd = -1;
  for (const m of head.matchAll(/[.!?…]["”’)\]]*(?=\s)/g)) {
    const end = m.index + m[0].length;
    // Room is left for " …" after the sentence.
    if (end < room) sentenceEnd = end;
  }
  if (sentenceEnd >= room * 0.6) return { keep: sentenceEnd, tail: ` ${ELLIPSIS}` };
  const space = head.lastIndexOf(' ', room);
  return { keep: space > 0 ? text.slice(0, space).trimEnd().length : room, tail: ELLIPSIS };
}

/** Splits text into pieces of at most `max` characters at paragraph, sentence or word boundaries. */
export function split(text: string, max: number): string[] {
  const parts: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const head = rest.slice(0, max + 1);
    let cut = head.lastIndexOf('\n\n', max);
    if (cut < max * 0.5) {
      const sentences = [...head.matchAll(/[.!?…]["”’)\]]*\s/g)].map((m) => m.index + m[0].length).filter((e) => e <= max);
      cut = sentences.length ? sentences[sentences.length - 1]! : -1;
    }
    if (cut < max * 0.5) cut = head.lastIndexOf(' ', max);
    if (cut <= 0) cut = max;
    parts.push(rest.slice(0, cut).trimEnd());
    rest = rest.slice(cut).trimStart();
  }
  if (rest) parts.push(rest);
  return parts;
}

/** Characters that count towards the 6000 total of an embed. */
export function embedLength(e: APIEmbed): number {
  return (
    (e.title?.length ?? 0) +
    (e.description?.length ?? 0) +
    (e.footer?.text.length ?? 0) +
    (e.author?.name.length ?? 0) +
    (e.fields ?? []).reduce((n, f) => n + f.name.length + f.value.length, 0)
  );
}

/**
 * Clips every part of an embed to its limit, then drops trailing fields until the total fits.
 * `total` is lower when several embeds share one message (the 6000 limit is per message).
 */
export function fitEmbed(e: APIEmbed, total: number = LIMITS.embedTotal): APIEmbed {
  const out: APIEmbed = { ...e };
  if (out.title) out.title = clip(out.title, LIMITS.embedTitle);
  if (out.description) out.description = clip(out.description, LIMITS.embedDescription);
  if (out.footer) out.footer = { ...out.footer, text: clip(out.footer.text, LIMITS.footer) };
  if (out.author) out.author = { ...out.author, name: clip(out.author.name, LIMITS.authorName) };
  if (out.fields) {
    out.fields = out.fields.slice(0, LIMITS.fields).map((f) => ({ ...f, name: clip(f.name, LIMITS.fieldName), value: clip(f.value, LIMITS.fieldValue) || '\u200b' }));
  }
  while (embedLength(out) > total && out.fields?.length) out.fields = out.fields.slice(0, -1);
  if (embedLength(out) > total && out.description) {
    out.description = clip(out.description, Math.max(1, out.description.length - (embedLength(out) - total)));
  }
  return out;
}
