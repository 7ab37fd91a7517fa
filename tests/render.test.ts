import type { APIEmbed } from 'discord.js';
import { describe, expect, it } from 'vitest';
import { AnswerCache } from '../discord/answer-cache.ts';
import { ask, notGiven, NOTHING_FOUND, RELATED_TITLE, renderAnswer } from '../commands/ask.ts';
import { Cooldown } from '../discord/cooldown.ts';
import { FeedbackStore } from '../discord/feedback.ts';
import { clip, embedLength, LIMITS } from '../discord/limits.ts';
import { confidenceCue, escapeText, renderQuote, safeText } from '../discord/render.ts';
import type { CommandContext } from '../commands/types.ts';
import type { Answer, ArticleMeta, Passage } from '../retrieval/types.ts';

const ARTICLE: ArticleMeta = { id: 'a1', title: 'Railway Workers Strike', author: 'Jane Doe', source: 'Peoples Dispatch', date: '2024-05-24' };

/** A passage whose answer span is the first occurrence of `span` in `quote`. */
function passage(quote: string, span: string | null, over: Partial<Passage> = {}): Passage {
  const at = span === null ? -1 : quote.indexOf(span);
  if (span !== null && at < 0) throw new Error(`"${span}" is not in the quote`);
  return { quote, score: 0.9, paragraph: 3, section: null, start: 100, end: 100 + quote.length, kind: 'body', answer: at < 0 ? null : { start: at, end: at + span!.length }, article: ARTICLE, ...over };
}

const answered = (...passages: Passage[]): Answer => ({ question: 'When did they strike?', answered: true, passages, related: [] });

/**
 * Reads Discord markdown the way Discord does for what the bot emits: `\x` is a literal x, `**`
 * toggles bold. Returns the text as shown, the bold runs, and any formatting character left
 * unescaped (there should be none).
 */
function readMarkdown(md: string): { plain: string; bold: string[]; markers: number; stray: string[] } {
  let plain = '';
  const bold: string[] = [];
  const stray: string[] = [];
  let markers = 0;
  let open = -1;
  for (let i = 0; i < md.length; i++) {
    const ch = md[i]!;
    if (ch === '\\' && i + 1 < md.length) {
      plain += md[++i];
    } else if (ch === '*' && md[i + 1] === '*') {
      markers++;
      i++;
      if (open < 0) open = plain.length;
      else {
        bold.push(plain.slice(open));
        open = -1;
      }
    } else {
      if ('*_~`|[]<\\'.includes(ch)) stray.push(ch);
      plain += ch;
    }
  }
  return { plain, bold, markers, stray };
}

/** The block-quoted lines of an embed description, without the "> ". */
const quoteLines = (e: APIEmbed) => e.description!.split('\n').filter((l) => l.startsWith('> ')).map((l) => l.slice(2));

/** Deterministic pseudo-random numbers so failures reproduce. */
function rng(seed: number) {
  return () => ((seed = (seed * 1103515245 + 12345) >>> 0) / 2 ** 32);
}

describe('quote rendering for Discord', () => {
  it('bolds exactly the answer slice of the quote, and nothing else changes', () => {
    const quote = 'Thousands of railway workers embarked on a national strike on June 21, 23 and 25 against job cuts.';
    const p = passage(quote, 'June 21, 23 and 25');
    const [embed] = renderAnswer(answered(p), 'k', 0).embeds;
    const [line] = quoteLines(embed!);
    const md = readMarkdown(line!);
    expect(md.bold).toEqual([quote.slice(p.answer!.start, p.answer!.end)]);
    expect(md.markers).toBe(2);
    expect(md.plain).toBe(quote);
    expect(md.stray).toEqual([]);
  });

  it('escapes markdown inside, around and at the edges of the span, each part on its own', () => {
    const quote = '*Prices* rose_by **$5** to ~~£7~~ [see](http://x.io) `code` | a\\b <@123> @everyone, said *Ms_Bo*.';
    for (const span of ['**$5**', '*Prices*', '*Ms_Bo*.', '\\b', '`code` |', '<@123>']) {
      const r = renderQuote(quote, passage(quote, span).answer, 4000);
      const md = readMarkdown(r.text);
      expect(md.stray, `unescaped markdown with span ${span}`).toEqual([]);
      expect(md.markers).toBe(2);
      expect(md.plain).toBe(quote);
      expect(md.bold).toEqual([span]);
      expect(r).toMatchObject({ bold: true, clipped: false });
    }
    // Without a span the same text shows verbatim, fully escaped, with no bold at all.
    const plain = readMarkdown(safeText(quote, 4000).text);
    expect(plain).toMatchObject({ plain: quote, markers: 0, stray: [] });
    expect(escapeText(quote)).toBe(safeText(quote, 4000).text);
  });

  it('escapes line-start markers (quote, heading, list) so a quote cannot restyle itself', () => {
    for (const text of ['> nested', '# Heading', '- item', '12. item', '-# small']) {
      const md = escapeText(text);
      expect(md).toMatch(/^(\\[>#-]|\d+\\\.)/);
      expect(readMarkdown(md).plain).toBe(text);
    }
    expect(escapeText('In 2024. Prices - and # signs > less')).toBe('In 2024. Prices - and # signs > less');
  });

  it('ignores answer offsets that do not fit the quote, and trims spaces off the span', () => {
    const quote = 'The strike began on June 21.';
    const cases: [{ start: number; end: number }, boolean][] = [
      [{ start: -1, end: 4 }, false],
      [{ start: 5, end: 99 }, false],
      [{ start: 7, end: 7 }, false],
      [{ start: 9, end: 3 }, false],
      [{ start: 3, end: 4 }, false], // only a space
      [{ start: 4, end: 10 }, true],
    ];
    for (const [answer, bold] of cases) {
      const r = renderQuote(quote, answer, 500);
      expect(r.bold, JSON.stringify(answer)).toBe(bold);
      expect(readMarkdown(r.text)).toMatchObject({ plain: quote, markers: bold ? 2 : 0 });
    }
    const spaced = renderQuote(quote, { start: 19, end: 28 }, 500);
    expect(readMarkdown(spaced.text).bold).toEqual(['June 21.']);
  });

  it('clipping keeps the bold only when the whole span survives, never a lone **', () => {
    const head = 'Workers struck on 21 June. ';
    const filler = 'The union said the dispute over pay and jobs would go on for many more weeks. '.repeat(60);
    const early = passage(`${head}${filler}`.trim(), '21 June');
    const late = passage(`${filler}It ended on 3 July.`, '3 July');
    for (const [p, kept] of [[early, true], [late, false]] as const) {
      const { embeds } = renderAnswer(answered(p), 'k', 0);
      const line = quoteLines(embeds[0]!)[0]!;
      const md = readMarkdown(line);
      expect(line.endsWith('…')).toBe(true);
      expect(md.markers).toBe(kept ? 2 : 0);
      expect(md.bold).toEqual(kept ? [p.quote.slice(p.answer!.start, p.answer!.end)] : []);
      expect(p.quote.startsWith(md.plain.replace(/ ?…$/, ''))).toBe(true);
      expect(embeds[0]!.footer!.text).toMatch(/shortened/);
      expect(embeds[0]!.description!.length).toBeLessThanOrEqual(LIMITS.embedDescription);
    }
    // A span the cut falls inside loses its bold rather than being bolded in part.
    const quote = 'Alpha beta gamma delta epsilon zeta eta theta.';
    const cut = renderQuote(quote, passage(quote, 'gamma delta epsilon').answer, 25);
    expect(cut).toMatchObject({ text: 'Alpha beta gamma delta…', clipped: true, bold: false });
    expect(renderQuote(quote, passage(quote, 'gamma delta').answer, 29).text).toBe('Alpha beta **gamma delta**…');
  });

  it('any quote, span and room: within the room, balanced bold, nothing unescaped, a verbatim prefix', () => {
    const rand = rng(11);
    const alphabet = ['a', 'b', 'c', ' ', ' ', '.', '*', '_', '~', '`', '|', '\\', '[', ']', '<', '>', '#', '-', '1', 'é', 'http://x.io/a_b '];
    for (let n = 0; n < 2000; n++) {
      const quote = Array.from({ length: 1 + Math.floor(rand() * 60) }, () => alphabet[Math.floor(rand() * alphabet.length)]).join('');
      const s = Math.floor(rand() * quote.length);
      const answer = rand() < 0.2 ? null : { start: s, end: s + 1 + Math.floor(rand() * (quote.length - s)) };
      const max = Math.floor(rand() * 140);
      const r = renderQuote(quote, answer, max);
      expect(r.text.length).toBeLessThanOrEqual(max);
      const md = readMarkdown(r.text);
      // Only inside a link are _ and ~ left alone (escaping them would break the link).
      const linkSafe = quote.includes('http://') ? ['_', '~'] : [];
      expect(md.stray.filter((c) => !linkSafe.includes(c)), JSON.stringify({ quote, answer, max, text: r.text })).toEqual([]);
      expect([0, 2]).toContain(md.markers);
      expect(md.markers === 2).toBe(r.bold);
      if (r.bold) expect(md.bold[0]).toBe(quote.slice(answer!.start, answer!.end).trim());
      if (!r.clipped) expect(md.plain).toBe(quote);
      else if (max > 0) expect(quote.startsWith(md.plain.replace(/ ?…$/, ''))).toBe(true);
    }
  });

  it('the confidence cue follows the probability: strong ≥ 0.75, good ≥ 0.5, possible below', () => {
    expect([0.99, 0.75, 0.7499, 0.5, 0.4999, 0.1].map(confidenceCue)).toEqual([
      '🟢 strong match',
      '🟢 strong match',
      '🟡 good match',
      '🟡 good match',
      '🟠 possible match',
      '🟠 possible match',
    ]);
    const a = answered(passage('One.', null, { score: 0.8 }), passage('Two.', null, { score: 0.6, paragraph: 4 }), passage('Three.', null, { score: 0.3, paragraph: 5 }));
    const heads = renderAnswer(a, 'k', 0).embeds[0]!.description!.split('\n').filter((l) => /^\*\*\d\.\*\*/.test(l));
    expect(heads).toEqual(['**1.** 🟢 strong match', '**2.** 🟡 good match', '**3.** 🟠 possible match']);
  });
});

describe('/ask replies', () => {
  it('cite a bio quote as "About the author", with no Full paragraph button for it', () => {
    const bio = passage('Jane Doe is a labour reporter based in Leeds since 2009.', '2009', { kind: 'author', paragraph: 0, section: 'About the author', start: 0, end: 55 });
    const body = passage('The strike began on June 21.', 'June 21', { paragraph: 2 });
    const { embeds, components } = renderAnswer(answered(bio, body), 'k', 0);
    const desc = embeds[0]!.description!;
    expect(desc).toContain('— *About the author: Jane Doe* · Railway Workers Strike');
    expect(desc).not.toMatch(/¶0/);
    expect(desc).toMatch(/— \*Railway Workers Strike — Jane Doe · Peoples Dispatch · 2024-05-24\*, ¶2/);
    const labels = components.flatMap((r) => r.toJSON().components.map((c) => ('label' in c ? c.label : '')));
    expect(labels).toContain('Full paragraph 2');
    expect(labels).not.toContain('Full paragraph 1');
    // A page of bio quotes only has no empty row of paragraph buttons (Discord rejects one).
    const only = renderAnswer(answered(bio), 'k', 0).components;
    expect(only).toHaveLength(1);
  });

  it('cite a standfirst, a caption and a source line as what they are, with no Full paragraph button for them', () => {
    const sf = passage('Three weeks in, the operator has not moved.', 'Three weeks', { kind: 'standfirst', paragraph: 0, section: 'Standfirst', start: 0, end: 43 });
    const cap = passage('Deckhands picket the quay. Photo: Jane Roe', 'Jane Roe', { kind: 'caption', paragraph: 0, section: 'Photo caption', start: 0, end: 42 });
    const src = passage('Peoples Dispatch', null, { kind: 'source', paragraph: 0, section: 'Source', start: 0, end: 16 });
    const { embeds, components } = renderAnswer(answered(sf, cap, src), 'k', 0);
    const desc = embeds[0]!.description!;
    expect(desc).toMatch(/— \*Railway Workers Strike — Jane Doe · Peoples Dispatch · 2024-05-24\*, Standfirst/);
    expect(desc).toMatch(/\*, Photo caption/);
    expect(desc).toMatch(/\*, Source/);
    expect(desc).not.toMatch(/¶0/);
    expect(components).toHaveLength(1);
  });

  it('not answered: the grey refusal, then the closest passages as related reading, never as an answer', () => {
    const long = 'Dockers said the tariff on the quay rose again in 2023. '.repeat(40).trim();
    const related = [passage(long, '2023', { score: 0.4 }), passage('The harbour tariff *rose* on 3 July.', '3 July', { score: 0.35 }), passage(long, 'quay', { score: 0.3, kind: 'author', paragraph: 0 })];
    const a: Answer = { question: 'When did the tariff rise?', answered: false, passages: [], related };
    const { embeds, components } = renderAnswer(a, 'k', 0);
    expect(embeds).toHaveLength(2);
    expect(embeds[0]!.description).toBe(NOTHING_FOUND);
    expect(embeds[1]!.title).toBe(RELATED_TITLE);
    expect(components).toEqual([]);
    const all = JSON.stringify(embeds);
    expect(all).not.toMatch(/🟢|🟡|🟠|strong match|good match|possible match/);
    const lines = quoteLines(embeds[1]!);
    expect(lines).toHaveLength(3);
    for (const line of lines) expect(readMarkdown(line)).toMatchObject({ markers: 0, stray: [] });
    expect(readMarkdown(lines[1]!).plain).toBe(related[1]!.quote);
    expect(embeds[1]!.description).toContain('— *About the author: Jane Doe*');
    expect(embeds.reduce((n, e) => n + embedLength(e), 0)).toBeLessThanOrEqual(LIMITS.embedTotal);
    for (const e of embeds) expect(e.description!.length).toBeLessThanOrEqual(LIMITS.embedDescription);

    const bare = renderAnswer({ ...a, related: [] }, 'k', 0);
    expect(bare.embeds).toHaveLength(1);
    expect(bare.embeds[0]!.description).toMatch(/^Nothing reliable found/);
    // The topic is covered, the fact is not: the refusal says which kind of fact, the related passages follow.
    const lacking = renderAnswer({ ...a, missing: 'date' }, 'k', 0);
    expect(lacking.embeds[0]!.description).toBe(notGiven('date'));
    expect(lacking.embeds[0]!.description).toMatch(/covers this topic, but its passages give no date/);
    expect(lacking.embeds[1]!.title).toBe(RELATED_TITLE);
  });

  describe('through the command handlers', () => {
    const quote = 'At the rally @everyone and <@123456789012345678> heard that the strike starts on June 21.';
    const bioText = 'Jane Doe covers labour for the paper. She has reported on rail since 2009.';
    const answer = answered(passage(quote, 'June 21'), passage('She has reported on rail since 2009.', '2009', { kind: 'author', paragraph: 0, section: 'About the author', start: 38, end: 74 }));
    // Paragraph 3 of the article: the quote near its start, then far more than one embed holds.
    const longParagraph = `Before the rally, talks failed. ${quote} ${'Pickets *stood* at the gates of the depot all night long. '.repeat(120)}`.trim();
    const replies: any[] = [];
    const engine = {
      builtAt: '2024-01-01T00:00:00.000Z',
      embedder: { id: 'stub-embedder' },
      ask: async () => answer,
      article: (id: string) => (id === ARTICLE.id ? { ...ARTICLE, notes: ['Photo: the picket line.', bioText] } : null),
      paragraph: (id: string, n: number) => (id === ARTICLE.id && n === 3 ? { article: ARTICLE, text: longParagraph, section: null } : null),
    };
    const ctx = { engine, work: engine, answers: new AnswerCache(), cooldown: new Cooldown(0), feedback: new FeedbackStore(':memory:'), log: { info() {}, warn() {}, error() {} } } as unknown as CommandContext;
    const interaction = (extra: object) =>
      ({
        id: '42',
        user: { id: 'u1' },
        createdTimestamp: Date.now(),
        options: { data: [{ name: 'question', type: 3, value: 'When does the strike start?' }] },
        deferReply: async () => {},
        editReply: async (p: unknown) => replies.push(p),
        reply: async (p: unknown) => replies.push(p),
        update: async (p: unknown) => replies.push(p),
        ...extra,
      }) as any;

    it('a quote with @everyone and user mentions pings nobody and shows them as text', async () => {
      await ask.execute!(interaction({}), ctx);
      const reply = replies.at(-1);
      expect(reply.allowedMentions).toEqual({ parse: [] });
      const desc: string = reply.embeds[0].description;
      expect(desc).toContain('@everyone');
      // The user mention is escaped: it shows as typed instead of rendering as a mention.
      expect(desc).toContain('\\<@123456789012345678>');
      expect(readMarkdown(quoteLines(reply.embeds[0])[0]!).plain).toBe(quote);
    });

    it('"Full paragraph" shows the paragraph with the quote in bold, shortened within the limits when too long', async () => {
      ctx.answers.put('41', answer);
      await ask.button!(interaction({}), ['para', '41', '0'], ctx);
      const reply = replies.at(-1);
      expect(reply.allowedMentions).toEqual({ parse: [] });
      const desc: string = reply.embeds[0].description;
      expect(desc.length).toBeLessThanOrEqual(LIMITS.embedDescription);
      expect(desc).toMatch(/\n\*\(paragraph continues\)\*$/);
      const md = readMarkdown(desc.replace(/\n\*\(paragraph continues\)\*$/, ''));
      expect(md).toMatchObject({ markers: 2, bold: [quote], stray: [] });
      expect(longParagraph.startsWith(md.plain.replace(/ ?…$/, ''))).toBe(true);
    });

    it('"Full paragraph" on a bio quote shows the bio instead of failing on paragraph 0', async () => {
      ctx.answers.put('42', answer);
      await ask.button!(interaction({}), ['para', '42', '1'], ctx);
      const reply = replies.at(-1);
      expect(reply.allowedMentions).toEqual({ parse: [] });
      expect(reply.flags).toBe(64);
      expect(readMarkdown(reply.embeds[0].description).plain).toBe(bioText);
      expect(readMarkdown(reply.embeds[0].description).bold).toEqual(['She has reported on rail since 2009.']);
      expect(reply.embeds[0].footer.text).toMatch(/About the author/);

      const gone = { ...answer, passages: [{ ...answer.passages[1]!, article: { ...ARTICLE, id: 'gone' } }] };
      ctx.answers.put('43', gone);
      await ask.button!(interaction({}), ['para', '43', '0'], ctx);
      expect(replies.at(-1).content).toMatch(/author’s bio/);
    });
  });
});

describe('clip', () => {
  it('marks every cut with an ellipsis and stays within the room', () => {
    const text = 'Aaaa bbbb. Cccc dddd eeee. Ffff gggg.';
    for (let max = 0; max < text.length; max++) {
      const c = clip(text, max);
      expect(c.length).toBeLessThanOrEqual(max);
      if (max > 0) expect(c.endsWith('…'), `clip to ${max}: "${c}"`).toBe(true);
    }
  });
});
