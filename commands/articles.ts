import { ActionRowBuilder, ButtonBuilder, ButtonStyle, SlashCommandBuilder } from 'discord.js';
import type { Engine } from '../retrieval/engine.ts';
import { replyReliably, updateReliably } from '../discord/deliver.ts';
import { fitEmbed } from '../discord/limits.ts';
import { indexArg, integerOption } from '../discord/options.ts';
import { citation, safeText } from '../discord/render.ts';
import { customId, NO_MENTIONS, type SlashCommand } from './types.ts';

const PER_PAGE = 10;

export function renderArticles(engine: Engine, page: number) {
  const list = engine.articles();
  const pages = Math.max(1, Math.ceil(list.length / PER_PAGE));
  const p = Math.min(Math.max(page, 1), pages);
  const lines = list.slice((p - 1) * PER_PAGE, p * PER_PAGE).map((a, k) => `**${(p - 1) * PER_PAGE + k + 1}.** ${safeText(citation(a), 380).text} · ${a.paragraphs} ¶`);
  const embed = fitEmbed({
    title: `Articles in the corpus (${list.length})`,
    color: 0xf59e0b,
    description: lines.join('\n') || 'The corpus is empty.',
    footer: { text: `Page ${p} of ${pages} · /summary or /sources for one article` },
  });
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId('articles', p - 1)).setLabel('Previous').setStyle(ButtonStyle.Secondary).setDisabled(p <= 1),
    new ButtonBuilder().setCustomId(customId('articles', p + 1)).setLabel('Next').setStyle(ButtonStyle.Secondary).setDisabled(p >= pages),
  );
  return { embeds: [embed], components: pages > 1 ? [row] : [] };
}

export const articles: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('articles')
    .setDescription('Browse the articles the bot knows')
    .addIntegerOption((o) => o.setName('page').setDescription('Page number').setMinValue(1))
    .toJSON(),

  async execute(i, ctx) {
    await replyReliably(i, { ...renderArticles(ctx.engine, integerOption(i, 'page', 1) ?? 1), allowedMentions: NO_MENTIONS }, ctx.log);
  },

  async button(i, [page], ctx) {
    await updateReliably(i, { ...renderArticles(ctx.engine, indexArg(page, 1_000_000) ?? 1), allowedMentions: NO_MENTIONS }, ctx.log);
  },
};
