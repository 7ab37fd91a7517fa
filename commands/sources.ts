import { SlashCommandBuilder, type APIEmbed } from 'discord.js';
import { UserError } from '../retrieval/errors.ts';
import { PART_LABELS, type Article } from '../retrieval/types.ts';
import { respondWithArticles } from '../discord/article-option.ts';
import { deferReliably, deliver } from '../discord/deliver.ts';
import { fitEmbed, LIMITS } from '../discord/limits.ts';
import { textOption } from '../discord/options.ts';
import { blockQuote, citation, embedUrl, safeText } from '../discord/render.ts';
import { NO_MENTIONS, type AnswerWork, type SlashCommand } from './types.ts';

const COLOR = 0x8b5cf6;

function articleCard(a: Article, total: number): APIEmbed {
  const sections = [...new Set(a.paragraphs.map((p) => p.section).filter(Boolean))];
  const fields = [
    { name: 'Author', value: a.author ?? 'not stated', inline: true },
    { name: 'Courtesy of', value: a.source ?? 'not stated', inline: true },
    { name: 'Date', value: a.date ?? 'not stated', inline: true },
    { name: 'Length', value: `${a.paragraphs.length} paragraphs`, inline: true },
    { name: 'File', value: a.file, inline: true },
  ];
  if (sections.length) fields.push({ name: 'Sections', value: sections.map((s) => `• ${s}`).join('\n'), inline: false });
  if (a.notes.length) fields.push({ name: 'Notes (bio, captions)', value: a.notes.map((n) => `• ${n}`).join('\n'), inline: false });
  return fitEmbed({
    title: safeText(a.title, LIMITS.embedTitle).text,
    url: embedUrl(a.url),
    color: COLOR,
    description: a.standfirst ? `*${safeText(a.standfirst, 1000).text}*` : undefined,
    fields: fields.map((f) => ({ ...f, value: safeText(f.value, LIMITS.fieldValue).text })),
    footer: { text: `id: ${a.id}` },
  }, total);
}

async function topicList(work: AnswerWork, query: string, total: number): Promise<APIEmbed> {
  const matches = await work.sources(query, 8);
  const title = safeText(`Sources for “${query}”`, LIMITS.embedTitle).text;
  if (!matches.length) return fitEmbed({ title, color: COLOR, description: 'No article in the corpus covers this reliably.' }, total);
  const lines = matches.map((m, k) => `**${k + 1}. ${safeText(citation(m.article), 400).text}**\n${blockQuote(safeText(m.passage.quote, 300).text)} *(${m.passage.kind !== 'body' ? PART_LABELS[m.passage.kind].toLowerCase() : `¶${m.passage.paragraph}`})*`);
  return fitEmbed({ title, color: COLOR, description: lines.join('\n\n'), footer: { text: `${matches.length} article${matches.length === 1 ? '' : 's'}, best first` } }, total);
}

export const sources: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('sources')
    .setDescription('Who wrote an article, courtesy of whom and when; or which articles cover a topic')
    .addStringOption((o) => o.setName('query').setDescription('A topic: lists the articles that cover it').setMaxLength(500))
    .addStringOption((o) => o.setName('article').setDescription('An article: shows its author, source and date').setAutocomplete(true).setMaxLength(200))
    .toJSON(),

  async execute(i, ctx) {
    const ref = textOption(i, 'article');
    const query = textOption(i, 'query');
    if (!ref && !query?.trim()) throw new UserError('Give a `query` (a topic) or an `article` (pick one as you type).');
    const article = ref ? ctx.engine.findArticle(ref) : null;
    if (ref && !article) throw new UserError(`No article matches "${ref.slice(0, 100)}". Browse with \`/articles\`.`);
    await deferReliably(i, false, ctx.log);
    // Both embeds share the message's 6000-character budget.
    const total = article && query?.trim() ? LIMITS.embedTotal / 2 : LIMITS.embedTotal;
    const embeds: APIEmbed[] = [];
    if (article) embeds.push(articleCard(article, total));
    if (query?.trim()) embeds.push(await topicList(ctx.work, query, total));
    await deliver(i, 'sources', () => i.editReply({ embeds, allowedMentions: NO_MENTIONS }), ctx);
  },

  autocomplete: (i, ctx) => respondWithArticles(i, ctx.engine),
};
