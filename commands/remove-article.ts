import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { copyFile, mkdir, rename, unlink } from 'node:fs/promises';
import { basename, isAbsolute, join, relative, resolve } from 'node:path';
import { UserError } from '../retrieval/errors.ts';
import { respondWithArticles } from '../discord/article-option.ts';
import { deferReliably } from '../discord/deliver.ts';
import { textOption } from '../discord/options.ts';
import { safeText } from '../discord/render.ts';
import { mayChangeCorpus, reindexWithProgress, reportToUser } from './reindex.ts';
import type { SlashCommand } from './types.ts';

/** rename, or copy and delete across file systems. */
async function move(from: string, to: string): Promise<void> {
  try {
    await rename(from, to);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    await copyFile(from, to);
    await unlink(from);
  }
}

export const removeArticle: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('remove-article')
    .setDescription('Take an article out of the corpus and the index (server managers only)')
    .addStringOption((o) => o.setName('article').setDescription('Article title (start typing to pick one)').setRequired(true).setAutocomplete(true).setMaxLength(200))
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute(i, ctx) {
    if (!(await mayChangeCorpus(i, ctx, 'remove articles'))) return;
    const ref = textOption(i, 'article');
    const article = ref?.trim() ? ctx.engine.findArticle(ref) : null;
    if (!article) throw new UserError(`No article matches "${(ref ?? '').slice(0, 100)}". Pick one from the list as you type.`);
    const corpusDir = ctx.engine.settings.corpusDir;
    const path = resolve(corpusDir, article.file);
    const rel = relative(corpusDir, path);
    if (!rel || rel.startsWith('..') || isAbsolute(rel)) throw new UserError(`“${article.title}” was indexed from outside the corpus folder; remove it on the server.`);
    const siblings = ctx.engine.articles().filter((a) => a.id !== article.id && ctx.engine.article(a.id)?.file === article.file);
    if (siblings.length) {
      throw new UserError(`“${safeText(article.title, 150).text}” is one of ${siblings.length + 1} articles in \`${safeText(article.file, 150).text}\`; nothing was removed. Take it out of that file on the server, then run /reindex.`);
    }
    await deferReliably(i, true, ctx.log);
    // Moved aside, not deleted: a removal can be undone by moving the file back and running /reindex.
    const trash = join(ctx.engine.settings.indexDir, 'removed');
    await mkdir(trash, { recursive: true });
    const kept = join(trash, `${new Date().toISOString().replace(/[:.]/g, '-')}-${basename(path)}`);
    await move(path, kept);
    ctx.log.info('article file removed', { user: i.user.id, guild: i.guildId, file: article.file, keptAt: kept });
    try {
      await reindexWithProgress(i, ctx);
    } catch (e) {
      await move(kept, path);
      throw e;
    }
    await reportToUser(i, `Removed “${safeText(article.title, 200).text}” (${safeText(article.file, 150).text}); it no longer appears in answers. The file was kept in the index folder as \`removed/${safeText(basename(kept), 200).text}\`.`, ctx);
  },

  autocomplete: (i, ctx) => respondWithArticles(i, ctx.engine),
};
