import {
  ActionRowBuilder,
  ButtonBuilder,
  ButtonStyle,
  MessageFlags,
  ModalBuilder,
  SlashCommandBuilder,
  TextInputBuilder,
  TextInputStyle,
  type APIActionRowComponent,
  type APIComponentInActionRow,
  type APIEmbed,
  type RepliableInteraction,
} from 'discord.js';
import type { AskOptions } from '../retrieval/answer.ts';
import { checkDate, checkQuestion, MAX_QUESTION_CHARS, UserError } from '../retrieval/errors.ts';
import { MISSING_LABELS, type Answer, type Filters, type MissingFact, type Passage } from '../retrieval/types.ts';
import { deferReliably, deliver, replyReliably, updateReliably } from '../discord/deliver.ts';
import type { Tally } from '../discord/feedback.ts';
import { feedbackRow, withTally } from '../discord/feedback-row.ts';
import { clip, embedLength, fitEmbed, LIMITS } from '../discord/limits.ts';
import { focusedText, indexArg, optionValue, textOption } from '../discord/options.ts';
import { blockQuote, citation, confidenceCue, location, passageCitation, renderQuote, safeText } from '../discord/render.ts';
import { customId, NO_MENTIONS, type CommandContext, type SlashCommand } from './types.ts';

const PAGE_SIZE = 3;
export const FETCHED = 15;
const COLOR = 0x3b82f6;
const GREY = 0x9ca3af;

export const NOTHING_FOUND =
  'Nothing reliable found in the corpus for this question, so nothing is quoted.\nTry other words, `/sources` to see which articles cover a topic, or `/articles` to browse.';
export const RELATED_TITLE = 'Closest passages (not an answer)';
/** The topic is covered, the fact asked for is not. */
export const notGiven = (missing: MissingFact) => `The corpus covers this topic, but its passages give no ${MISSING_LABELS[missing]}, so nothing is quoted as the answer.`;
const RELATED_FOOTER = 'Related reading only: none of these reliably answers the question · quoted verbatim from the corpus';
const RELATED_FOOTER_CLIPPED = `${RELATED_FOOTER} · long quotes shortened at …`;

/**
 * One passage as markdown within `budget` characters: an optional head line, the quote as a block
 * quote (answer span in bold when `bold`), then its citation.
 */
function passageBlock(p: Passage, head: string | null, budget: number, bold: boolean): { text: string; clipped: boolean } {
  const cite = passageCitation(p);
  const lines = p.quote.split('\n').length;
  const room = budget - (head ? head.length + 1 : 0) - cite.length - 1 - 2 * lines;
  const quote = renderQuote(p.quote, bold ? p.answer : null, room);
  return { text: `${head ? `${head}\n` : ''}${blockQuote(quote.text)}\n${cite}`, clipped: quote.clipped };
}

/** Not answered: the grey refusal, and the closest passages, if any, in an embed of their own that never reads as an answer. */
function renderRefusal(a: Answer, title: string, key: string, view?: AnswerView) {
  const refusal = fitEmbed({ title, color: GREY, description: a.missing ? notGiven(a.missing) : NOTHING_FOUND });
  const related = a.answered ? [] : (a.related ?? []);
  // A refusal can be voted on too (a wrong refusal is evaluation data); it has no articles to follow up in.
  const components = view ? [feedbackRow(key, view.tally, { followUp: false, share: !!view.share })] : [];
  if (!related.length) return { embeds: [refusal], components };
  // Both embeds share the message's 6000 characters.
  const room = Math.min(LIMITS.embedDescription, LIMITS.embedTotal - embedLength(refusal) - RELATED_TITLE.length - RELATED_FOOTER_CLIPPED.length) - 20;
  const budget = Math.floor(room / related.length) - 2;
  const blocks = related.map((p) => passageBlock(p, null, budget, false));
  const footer = blocks.some((b) => b.clipped) ? RELATED_FOOTER_CLIPPED : RELATED_FOOTER;
  const embed = fitEmbed({ title: RELATED_TITLE, color: GREY, description: blocks.map((b) => b.text).join('\n\n'), footer: { text: footer } }, LIMITS.embedTotal - embedLength(refusal));
  // Related passages get no paging or paragraph buttons: they are few enough for one page, and "Full paragraph" is for answers.
  return { embeds: [refusal, embed], components };
}

/** What the bot's answer messages carry beyond the passages: the vote counts, and "Post publicly" on a private answer. */
export interface AnswerView {
  tally: Tally;
  share?: boolean;
}

export function renderAnswer(a: Answer, key: string, page: number, view?: AnswerView) {
  const title = safeText(a.question, LIMITS.embedTitle).text;
  if (!a.answered || !a.passages.length) return renderRefusal(a, title, key, view);
  const pages = Math.ceil(a.passages.length / PAGE_SIZE);
  const p0 = Math.min(Math.max(page, 0), pages - 1);
  const items = a.passages.slice(p0 * PAGE_SIZE, (p0 + 1) * PAGE_SIZE);
  const budget = Math.floor((LIMITS.embedDescription - 20) / items.length) - 2;
  let clipped = false;
  const blocks = items.map((p, k) => {
    const n = p0 * PAGE_SIZE + k + 1;
    const block = passageBlock(p, `**${n}.** ${confidenceCue(p.score)}`, budget, true);
    clipped ||= block.clipped;
    return block.text;
  });
  const from = p0 * PAGE_SIZE + 1;
  const to = p0 * PAGE_SIZE + items.length;
  const footer = [`Passages ${from}–${to} of ${a.passages.length}`, 'quoted verbatim from the corpus'];
  if (clipped) footer.push('long quotes shortened at … — see Full paragraph');
  const embed = fitEmbed({ title, color: COLOR, description: blocks.join('\n\n'), footer: { text: footer.join(' · ') } });

  const nav = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId('ask', 'page', key, p0 - 1)).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(p0 === 0),
    new ButtonBuilder().setCustomId(customId('ask', 'page', key, p0 + 1)).setLabel('More passages').setStyle(ButtonStyle.Primary).setDisabled(p0 >= pages - 1),
  );
  // A quote from outside the body (bio, byline, standfirst, caption) has no paragraph to show.
  const paraButtons = items.flatMap((p, k) => {
    const n = p0 * PAGE_SIZE + k + 1;
    return p.kind !== 'body' ? [] : [new ButtonBuilder().setCustomId(customId('ask', 'para', key, n - 1)).setLabel(`Full paragraph ${n}`).setStyle(ButtonStyle.Secondary)];
  });
  const rows = [nav];
  if (paraButtons.length) rows.push(new ActionRowBuilder<ButtonBuilder>().addComponents(paraButtons));
  if (view) rows.push(feedbackRow(key, view.tally, { followUp: true, share: !!view.share }));
  return { embeds: [embed], components: rows };
}

const NO_VOTES: Tally = { helpful: 0, notHelpful: 0 };

/** The private message for a user past the per-user cooldown, or null when they may ask. */
export function cooldownMessage(ctx: CommandContext, userId: string): string | null {
  const wait = ctx.cooldown.take(userId);
  return wait > 0 ? `You're asking quickly — try again in ${Math.ceil(wait / 1000)} s.` : null;
}

/** Keeps an answer for its buttons, and what it showed for the votes it may get (a failing disk never costs the answer). */
export async function remember(key: string, answer: Answer, ctx: CommandContext): Promise<void> {
  ctx.answers.put(key, answer);
  try {
    await ctx.feedback.recordAnswer(key, answer, ctx.engine.generation ?? 'unknown', ctx.engine.embedder.id);
  } catch (e) {
    ctx.log.warn('could not record the answer for feedback', { key, error: e });
  }
}

/**
 * Answers one question for an interaction: defers (privately or not), asks once, remembers the answer
 * under the interaction id, and edits the reply in with its buttons. `note` goes above the answer.
 */
export async function answerInteraction(i: RepliableInteraction, ctx: CommandContext, ask: () => Promise<{ answer: Answer; note?: string }>, ephemeral: boolean): Promise<void> {
  await deferReliably(i, ephemeral, ctx.log);
  // Computed once: a failed delivery resends this reply, it never asks again.
  const { answer, note } = await ask();
  const reply = { ...(note ? { content: note } : {}), ...(await answerOf(i.id, answer, ctx, ephemeral)), allowedMentions: NO_MENTIONS };
  await deliver(i, 'answer', () => i.editReply(reply), ctx);
}

/** A new answer, remembered under `key`, as a message: its embeds and buttons (votes at zero). */
export async function answerOf(key: string, answer: Answer, ctx: CommandContext, share = false) {
  await remember(key, answer, ctx);
  return renderAnswer(answer, key, 0, { tally: NO_VOTES, share });
}

/** What a follow-up follows: the earlier question and the articles its answer quoted, best first. */
export interface Earlier {
  question: string;
  articleIds: string[];
}

/** The earlier answer behind `key`: from the cache, else from the feedback store (it outlives restarts and re-indexes). */
export async function earlierAnswer(key: string, ctx: CommandContext): Promise<Earlier | null> {
  const cached = ctx.answers.get(key);
  if (cached) return { question: cached.question, articleIds: [...new Set(cached.passages.map((p) => p.article.id))] };
  return await ctx.feedback.recorded(key);
}

/**
 * A follow-up: asked within the articles of the answer it follows first; when nothing there answers
 * it, asked of the whole corpus, and the note says which.
 */
export async function askFollowUp(question: string, earlier: Earlier, ctx: CommandContext): Promise<{ answer: Answer; note: string }> {
  const about = `Follow-up to “${safeText(earlier.question, 150).text}”`;
  // Articles removed since are left out (an id no article has matches nothing).
  const ids = earlier.articleIds.filter((id) => ctx.engine.article(id));
  if (ids.length) {
    const within = await ctx.work.ask(question, { filters: { articles: ids }, limit: FETCHED });
    const n = ids.length === 1 ? 'the article' : `the ${ids.length} articles`;
    if (within.answered && within.passages.length) return { answer: within, note: `${about}: answered from ${n} of that answer.` };
    const all = await ctx.work.ask(question, { limit: FETCHED });
    return { answer: all, note: `${about}: nothing in ${n} of that answer covers it, so the whole corpus was searched.` };
  }
  const all = await ctx.work.ask(question, { limit: FETCHED });
  return { answer: all, note: `${about}: the earlier answer quoted no article, so the whole corpus was searched.` };
}

const isEphemeral = (flags: { has(f: MessageFlags): boolean } | undefined | null) => !!flags?.has(MessageFlags.Ephemeral);

const tell = (i: RepliableInteraction, content: string, ctx: CommandContext) => replyReliably(i, { content, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);

const EXPIRED = 'This answer has expired (the bot restarted or re-indexed). Ask again with `/ask`.';

export const ask: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('ask')
    .setDescription('Answer a question with passages quoted verbatim from the news corpus, with citations')
    .addStringOption((o) => o.setName('question').setDescription('What do you want to know?').setRequired(true).setMaxLength(MAX_QUESTION_CHARS))
    .addStringOption((o) => o.setName('author').setDescription('Only articles by this author (part of the name is enough)').setMaxLength(100).setAutocomplete(true))
    .addStringOption((o) => o.setName('source').setDescription('Only articles from this source, e.g. Peoples Dispatch').setMaxLength(100).setAutocomplete(true))
    .addStringOption((o) => o.setName('since').setDescription('Only articles on or after this date (YYYY-MM-DD)').setMaxLength(10))
    .addStringOption((o) => o.setName('until').setDescription('Only articles on or before this date (YYYY-MM-DD)').setMaxLength(10))
    .toJSON(),

  async execute(i, ctx) {
    const slow = cooldownMessage(ctx, i.user.id);
    if (slow) return void (await tell(i, slow, ctx));
    // Bad input is reported before deferring, so the message can be ephemeral.
    const question = checkQuestion(optionValue(i, 'question'));
    const filters: Filters = {
      author: textOption(i, 'author') ?? undefined,
      source: textOption(i, 'source') ?? undefined,
      since: checkDate('since', textOption(i, 'since')),
      until: checkDate('until', textOption(i, 'until')),
    };
    const opts: AskOptions = { filters, limit: FETCHED };
    await answerInteraction(i, ctx, async () => ({ answer: await ctx.work.ask(question, opts) }), false);
  },

  async autocomplete(i, ctx) {
    const focused = focusedText(i);
    if (!focused) return void (await i.respond([]));
    const field = focused.name === 'source' ? 'source' : 'author';
    const typed = focused.value.toLowerCase();
    const names = [...new Set(ctx.engine.articles().map((a) => a[field]).filter((n): n is string => !!n))];
    const matching = names.filter((n) => n.toLowerCase().includes(typed)).sort((a, b) => a.localeCompare(b));
    await i.respond(matching.slice(0, LIMITS.choices).map((n) => ({ name: clip(n, LIMITS.choiceName), value: clip(n, LIMITS.choiceValue) })));
  },

  async button(i, [action, key, arg], ctx) {
    if (action === 'vote') {
      if (!key || (arg !== 'up' && arg !== 'down') || !(await ctx.feedback.hasAnswer(key))) return void (await tell(i, 'This button no longer works; run `/ask` again.', ctx));
      const tally = await ctx.feedback.vote(key, i.user.id, arg === 'up' ? 1 : -1);
      const rows = i.message.components.map((r) => r.toJSON()) as APIActionRowComponent<APIComponentInActionRow>[];
      await updateReliably(i, { components: withTally(rows, key, tally), allowedMentions: NO_MENTIONS }, ctx.log);
      return;
    }
    const answer = key ? ctx.answers.get(key) : null;
    if (action === 'follow') {
      if (!key || !(await earlierAnswer(key, ctx))) return void (await tell(i, EXPIRED, ctx));
      const input = new TextInputBuilder().setCustomId('question').setLabel('Your follow-up question').setStyle(TextInputStyle.Short).setRequired(true).setMaxLength(MAX_QUESTION_CHARS);
      const modal = new ModalBuilder().setCustomId(customId('ask', 'follow', key!)).setTitle(clip('Follow-up', 45)).addComponents(new ActionRowBuilder<TextInputBuilder>().addComponents(input));
      await i.showModal(modal);
      return;
    }
    if (action === 'share') {
      if (!answer) return void (await tell(i, EXPIRED, ctx));
      const reply = { content: `Shared by <@${i.user.id}>`, ...renderAnswer(answer, key!, 0, { tally: await ctx.feedback.tally(key!) }), allowedMentions: NO_MENTIONS };
      await replyReliably(i, reply, ctx.log);
      return;
    }
    const pages = answer ? Math.ceil(answer.passages.length / PAGE_SIZE) : 0;
    const size = !answer ? 0 : action === 'page' ? pages : action === 'para' ? answer.passages.length : 0;
    const index = indexArg(arg, size);
    if (!answer) {
      await tell(i, EXPIRED, ctx);
      return;
    }
    if (index === null) {
      await replyReliably(i, { content: 'This button no longer works; run `/ask` again.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
      return;
    }
    if (action === 'page') {
      const view = { tally: await ctx.feedback.tally(key!), share: isEphemeral(i.message.flags) };
      await updateReliably(i, { ...renderAnswer(answer, key!, index, view), allowedMentions: NO_MENTIONS }, ctx.log);
      return;
    }
    const passage = answer.passages[index];
    if (passage && (passage.kind !== 'body' || passage.paragraph < 1)) {
      // A quote from outside the body (an older answer's button): show the bio or note it comes from.
      const art = ctx.engine.article(passage.article.id);
      const notes = art ? [...art.notes, art.standfirst ?? ''] : [];
      const bio = notes.find((n) => n.slice(passage.start, passage.end) === passage.quote) ?? notes.find((n) => n.includes(passage.quote));
      if (!bio) {
        await replyReliably(i, { content: 'That quote is from the author’s bio, which is no longer in the index.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
        return;
      }
      await replyReliably(i, { embeds: [paragraphEmbed(bio, passage.quote, citation(passage.article), location(passage), passage.kind === 'author' ? 'the author’s bio, verbatim' : 'verbatim')], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
      return;
    }
    const para = passage && ctx.engine.paragraph(passage.article.id, passage.paragraph);
    if (!passage || !para) {
      await replyReliably(i, { content: 'That article is no longer in the index.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
      return;
    }
    await replyReliably(i, { embeds: [paragraphEmbed(para.text, passage.quote, citation(para.article), location(passage))], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
  },

  async modal(i, [action, key], ctx) {
    if (action !== 'follow' || !key) return void (await tell(i, 'This form no longer works; run `/ask` again.', ctx));
    const slow = cooldownMessage(ctx, i.user.id);
    if (slow) return void (await tell(i, slow, ctx));
    // Read from the raw fields: a missing input is a clear message, not a TypeError from the getter.
    const typed = i.fields.fields.get('question');
    const question = checkQuestion(typed && 'value' in typed ? typed.value : '');
    const earlier = await earlierAnswer(key, ctx);
    if (!earlier) throw new UserError(EXPIRED);
    await answerInteraction(i, ctx, () => askFollowUp(question, earlier, ctx), isEphemeral(i.message?.flags));
  },
};

/** The whole paragraph with the quoted part in bold; a paragraph too long for one embed is shortened and says so. */
function paragraphEmbed(text: string, quote: string, cite: string, where: string, what = 'full paragraph, verbatim'): APIEmbed {
  const at = text.indexOf(quote);
  // The quote stays bold if it survives shortening (escaping lengthens text).
  const { text: description, clipped } = renderQuote(text, at >= 0 ? { start: at, end: at + quote.length } : null, LIMITS.embedDescription - 40);
  return fitEmbed({
    title: safeText(cite, LIMITS.embedTitle).text,
    color: COLOR,
    description: clipped ? `${description}\n*(paragraph continues)*` : description,
    footer: { text: `${where} · ${what}` },
  });
}
