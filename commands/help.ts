import { MessageFlags, SlashCommandBuilder } from 'discord.js';
import { fitEmbed } from '../discord/limits.ts';
import { safeText } from '../discord/render.ts';
import { replyReliably } from '../discord/deliver.ts';
import { NO_MENTIONS, type SlashCommand } from './types.ts';

export const help: SlashCommand = {
  definition: new SlashCommandBuilder().setName('help').setDescription('What this bot can do, with examples').toJSON(),

  async execute(i, ctx) {
    const list = ctx.engine.articles();
    // Examples come from the corpus actually indexed, so they always work.
    const example = list[Math.floor(list.length / 2)] ?? list[0];
    const author = list.find((a) => a.author)?.author;
    const source = list.find((a) => a.source)?.source;
    const lines = [
      `I answer questions about **${list.length} news articles** by quoting their own words — every quote is verbatim and cited (title, author, source, date, paragraph). I never make things up: when nothing in the corpus is reliable, I say so.`,
      '',
      '**/ask** `question` — quoted passages that answer it. Optional filters: `author`, `source`, `since`, `until` (YYYY-MM-DD). Buttons: *More passages*, *Full paragraph*, *Helpful* / *Not helpful*, *Ask a follow-up* (searched within the articles of the answer first).',
      '**Ask about this message** — right-click a message → *Apps*: its text is the question, answered privately with a *Post publicly* button.',
      example ? `  e.g. \`/ask question: ${safeText(example.title, 150).text}\`` : '',
      author ? `  e.g. \`/ask question: What is at stake? author: ${safeText(author, 80).text}\`` : '',
      '**/summary** `article` — the article’s key sentences, in order, each cited. Start typing a title to pick it.',
      '**/sources** `query` or `article` — which articles cover a topic; who wrote an article, courtesy of whom, when.',
      source ? `  e.g. \`/sources query: ${safeText(source, 80).text}\`` : '',
      '**/articles** — browse everything indexed.',
      '**/reindex** — (server managers) re-read the corpus folder; answers keep working meanwhile.',
      '**/add-article** `file` · **/remove-article** `article` — (server managers) add an article file to the corpus, or take one out.',
    ].filter((l) => l !== '');
    await replyReliably(i, { embeds: [fitEmbed({ title: 'News quote bot', color: 0x3b82f6, description: lines.join('\n') })], flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
  },
};
