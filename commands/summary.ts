import { SlashCommandBuilder } from 'discord.js';
import { UserError } from '../retrieval/errors.ts';
import { respondWithArticles } from '../discord/article-option.ts';
import { deferReliably, deliver } from '../discord/deliver.ts';
import { fitEmbed, LIMITS } from '../discord/limits.ts';
import { textOption } from '../discord/options.ts';
import { citation, embedUrl, safeText } from '../discord/render.ts';
import { NO_MENTIONS, type SlashCommand } from './types.ts';

export const summary: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('summary')
    .setDescription('Summarise one article with its own key sentences, each cited')
    .addStringOption((o) => o.setName('article').setDescription('Article title (start typing to pick one)').setRequired(true).setAutocomplete(true).setMaxLength(200))
    .toJSON(),

  async execute(i, ctx) {
    const ref = textOption(i, 'article');
    if (!ref?.trim()) throw new UserError('Pick an `article` to summarise (start typing its title).');
    const article = ctx.engine.findArticle(ref);
    if (!article) throw new UserError(`No article matches "${ref.slice(0, 100)}". Pick one from the list as you type, or browse with \`/articles\`.`);
    await deferReliably(i, false, ctx.log);
    const s = await ctx.work.summary(article.id);
    const bullets: string[] = [];
    let used = s.standfirst ? s.standfirst.length + 4 : 0;
    for (const x of s.sentences) {
      const line = `• ${safeText(x.text, 900).text} *[¶${x.paragraph}]*`;
      if (used + line.length + 1 > LIMITS.embedDescription - 60) {
        bullets.push(`*…${s.sentences.length - bullets.length} more sentences not shown*`);
        break;
      }
      bullets.push(line);
      used += line.length + 1;
    }
    const lead = s.standfirst ? `*${safeText(s.standfirst, 600).text}*\n\n` : '';
    const reply = {
      embeds: [
        fitEmbed({
          title: safeText(s.article.title, LIMITS.embedTitle).text,
          url: embedUrl(article.url),
          color: 0x10b981,
          description: lead + bullets.join('\n'),
          footer: { text: `${citation({ ...s.article, title: 'Extractive summary' })} · sentences quoted verbatim, ¶ = paragraph` },
        }),
      ],
      allowedMentions: NO_MENTIONS,
    };
    await deliver(i, 'summary', () => i.editReply(reply), ctx);
  },

  autocomplete: (i, ctx) => respondWithArticles(i, ctx.engine),
};
