import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder } from 'discord.js';
import { describeReport } from '../retrieval/ingest.ts';
import { NO_MENTIONS, type SlashCommand } from './types.ts';
import { deferReliably, deliver, replyReliably } from '../discord/deliver.ts';
import { clip, LIMITS } from '../discord/limits.ts';

const PROGRESS_EVERY_MS = 5000;

export const reindex: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('reindex')
    .setDescription('Re-read the corpus folder and update the index (server managers only)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute(i, ctx) {
    // Discord hides the command from members without the permission, but server admins can override
    // that per channel or role; the bot checks again.
    if (!i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
      await replyReliably(i, { content: 'Only members with the **Manage Server** permission can re-index the corpus.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
      return;
    }
    if (ctx.engine.isReindexing) {
      await replyReliably(i, { content: 'A re-index is already running; answers keep working meanwhile.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
      return;
    }
    await deferReliably(i, true, ctx.log);
    ctx.log.info('reindex started', { user: i.user.id, guild: i.guildId });
    let last = Date.now();
    const report = await ctx.engine.ingest(undefined, (done, total, phase = 'embedding') => {
      if (Date.now() - last < PROGRESS_EVERY_MS || done === total) return;
      last = Date.now();
      const what = phase === 'reading' ? `read ${done} of ${total} files` : phase === 'chunking' ? `chunked ${done} of ${total} KB of text` : `embedded ${done} of ${total} new or changed chunks`;
      i.editReply({ content: `Re-indexing… ${what}.`, allowedMentions: NO_MENTIONS }).catch(() => {});
    });
    if (report.changed) {
      ctx.answers.clear();
      await ctx.work.reloadIndex?.();
    }
    ctx.log.info('reindex finished', { added: report.added.length, updated: report.updated.length, removed: report.removed.length, embedded: report.embedded });
    const warnings = report.warnings.slice(0, 5).map((w) => `⚠️ ${w.file}: ${w.message}`);
    if (report.warnings.length > 5) warnings.push(`…and ${report.warnings.length - 5} more warnings in the log.`);
    const content = clip([`Re-index done: ${describeReport(report)}.`, ...warnings].join('\n'), LIMITS.content);
    try {
      await deliver(i, 'reindex report', () => i.editReply({ content, allowedMentions: NO_MENTIONS }), ctx);
    } catch (e) {
      // A long re-index outlives the interaction token (15 minutes); say it in the channel instead.
      ctx.log.warn('could not edit the reindex reply; posting to the channel', { error: e });
      const channel = await i.client.channels.fetch(i.channelId).catch(() => null);
      if (channel?.isSendable()) await channel.send({ content, allowedMentions: NO_MENTIONS });
    }
  },
};
