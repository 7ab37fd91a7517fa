import { InteractionContextType, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { rm, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { UserError } from '../retrieval/errors.ts';
import { deferReliably } from '../discord/deliver.ts';
import { clip, LIMITS } from '../discord/limits.ts';
import { safeText } from '../discord/render.ts';
import { download, MAX_UPLOAD_BYTES, parseUpload, safeUploadPath, uploadExtension } from '../discord/upload.ts';
import { mayChangeCorpus, reindexWithProgress, reportToUser, warningLines } from './reindex.ts';
import type { SlashCommand } from './types.ts';

const mb = (n: number) => `${Math.round((n / 1024 / 1024) * 10) / 10} MB`;

export const addArticle: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('add-article')
    .setDescription('Add an article file to the corpus and index it (server managers only)')
    .addAttachmentOption((o) => o.setName('file').setDescription('A .txt, .md, .html, .json or .jsonl file').setRequired(true))
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute(i, ctx) {
    if (!(await mayChangeCorpus(i, ctx, 'add articles'))) return;
    const attachment = i.options.data.find((o) => o.name === 'file')?.attachment;
    if (!attachment) throw new UserError('Attach a file in the `file` option.');
    // Checked before downloading: a wrong type or a file too large is refused at once.
    const ext = uploadExtension(attachment.name);
    if (attachment.size > MAX_UPLOAD_BYTES) throw new UserError(`That file is ${mb(attachment.size)}; /add-article takes files up to ${mb(MAX_UPLOAD_BYTES)}. Put larger ones in the corpus folder on the server and run /reindex.`);
    if (attachment.size === 0) throw new UserError('That file is empty: nothing was added.');
    await deferReliably(i, true, ctx.log);
    const bytes = await download(attachment.url);
    const parsed = await parseUpload(bytes, ext);
    const path = safeUploadPath(ctx.engine.settings.corpusDir, attachment.name);
    const file = basename(path);
    // The download took a while: another change may have started meanwhile, and must not read a file it then loses.
    if (ctx.engine.isReindexing) throw new UserError('A re-index started meanwhile; nothing was added. Try again when it has finished.');
    // 'wx': never over another file, even one of the same generated name.
    await writeFile(path, bytes, { flag: 'wx' });
    ctx.log.info('article file added', { user: i.user.id, guild: i.guildId, file, bytes: bytes.length, articles: parsed.articles.length });
    let report;
    try {
      report = await reindexWithProgress(i, ctx);
    } catch (e) {
      // The index did not take it: the corpus goes back to what it was.
      await rm(path, { force: true });
      throw e;
    }
    const added = report.added.map((id) => ctx.engine.article(id)).filter((a) => a && a.file === file);
    const lines = added.map((a) => `• **${safeText(a!.title, 200).text}** — ${a!.author ? safeText(a!.author, 100).text : 'author not stated'} · ${a!.date ?? 'date not stated'}${a!.source ? ` · ${safeText(a!.source, 100).text}` : ''}`);
    const head = `Added ${added.length} article${added.length === 1 ? '' : 's'} from \`${safeText(basename(attachment.name.replaceAll('\\', '/')), 100).text}\` (saved as \`${file}\`), indexed and answering now:`;
    const warnings = warningLines({ ...report, warnings: report.warnings.filter((w) => w.file === file) });
    await reportToUser(i, clip([head, ...lines, ...warnings].join('\n'), LIMITS.content), ctx);
  },
};
