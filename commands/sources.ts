import { SlashCommandBuilder, type APIEmbed } from 'discord.js';
import type { Engine } from '../retrieval/engine.ts';
import { UserError } from '../retrieval/errors.ts';
import type { Article } from '../retrieval/types.ts';
import { respondWithArticles } from './article-option.ts';
import { fitEmbed, LIMITS } from './limits.ts';
import { blockQuote, citation, embedUrl, safeText } from './render.ts';
import { NO_MENTIONS, type SlashCommand } from './types.ts';

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

async function topicList(engine: Engine, query: string, total: number): Promise<APIEmbed> {
  const matches = await engine.sources(query, 8);
  const title = safeText(`Sources for “${query}”`, LIMITS.embedTitle).text;
  if (!matches.length) return fitEmbed({ title, color: COLOR, description: 'No article in the corpus covers this reliably.' }, total);
  const lines = matches.map((m, k) => `**${k + 1}. ${safeText(citation(m.article), 400).text}**\n${blockQuote(safeText(m.passage.quote, 300).text)} *(${m.passage.kind === 'author' ? 'about the author' : `¶${m.passage.paragraph}`})*`);
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
    const ref = i.options.getString('article');
    const query = i.options.getString('query');
    if (!ref && !query?.trim()) throw new UserError('Give a `query` (a topic) or an `article` (pick one as you type).');
    const article = ref ? ctx.engine.findArticle(ref) : null;
    if (ref && !article) throw new UserError(`No article matches "${ref.slice(0, 100)}". Browse with \`/articles\`.`);
    await i.deferReply();
    // Both embeds share the message's 6000-character budget.
    const total = article && query?.trim() ? LIMITS.embedTotal / 2 : LIMITS.embedTotal;
    const embeds = [];
    if (article) embeds.push(articleCard(article, total));
    if (query?.trim()) embeds.push(await topicList(ctx.engine, query, total));
    await i.editReply({ embeds, allowedMentions: NO_MENTIONS });
  },

  autocomplete: (i, ctx) => respondWithArticles(i, ctx.engine),
};
