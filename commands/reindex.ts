import { InteractionContextType, MessageFlags, PermissionFlagsBits, SlashCommandBuilder, type ChatInputCommandInteraction } from 'discord.js';
import { describeReport, type IngestReport } from '../retrieval/ingest.ts';
import { NO_MENTIONS, type CommandContext, type SlashCommand } from './types.ts';
import { deferReliably, deliver, replyReliably } from '../discord/deliver.ts';
import { clip, LIMITS } from '../discord/limits.ts';

const PROGRESS_EVERY_MS = 5000;

/**
 * The checks every corpus-changing command makes first: Manage Server (Discord hides the command from
 * other members, but admins can override that per channel or role, so the bot checks again) and no
 * re-index already running. Replies and returns false when one fails.
 */
export async function mayChangeCorpus(i: ChatInputCommandInteraction, ctx: CommandContext, what: string): Promise<boolean> {
  if (!i.memberPermissions?.has(PermissionFlagsBits.ManageGuild)) {
    await replyReliably(i, { content: `Only members with the **Manage Server** permission can ${what}.`, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
    return false;
  }
  if (ctx.engine.isReindexing) {
    await replyReliably(i, { content: 'A re-index is already running; answers keep working meanwhile. Try again when it has finished.', flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log);
    return false;
  }
  return true;
}

/** Re-reads the corpus folder into the index (new or changed articles only are embedded), showing progress in the deferred reply. */
export async function reindexWithProgress(i: ChatInputCommandInteraction, ctx: CommandContext): Promise<IngestReport> {
  let last = Date.now();
  const report = await ctx.engine.ingest(undefined, (done, total, phase = 'embedding') => {
    if (Date.now() - last < PROGRESS_EVERY_MS || done === total) return;
    last = Date.now();
    const what = phase === 'reading' ? `read ${done} of ${total} files` : phase === 'chunking' ? `chunked ${done} of ${total} KB of text` : phase === 'tagging' ? `tagged the sentences of ${done} of ${total} articles` : `embedded ${done} of ${total} new or changed chunks`;
    i.editReply({ content: `Re-indexing… ${what}.`, allowedMentions: NO_MENTIONS }).catch(() => {});
  });
  if (report.changed) {
    ctx.answers.clear();
    await ctx.work.reloadIndex?.();
  }
  ctx.log.info('reindex finished', { added: report.added.length, updated: report.updated.length, removed: report.removed.length, embedded: report.embedded });
  return report;
}

/** Edits the deferred reply; a long re-index outlives the interaction token (15 minutes), so then it says it in the channel. */
export async function reportToUser(i: ChatInputCommandInteraction, content: string, ctx: CommandContext): Promise<void> {
  try {
    await deliver(i, 'reindex report', () => i.editReply({ content, allowedMentions: NO_MENTIONS }), ctx);
  } catch (e) {
    ctx.log.warn('could not edit the reindex reply; posting to the channel', { error: e });
    const channel = await i.client.channels.fetch(i.channelId).catch(() => null);
    if (channel?.isSendable()) await channel.send({ content, allowedMentions: NO_MENTIONS });
  }
}

export function warningLines(report: IngestReport): string[] {
  const warnings = report.warnings.slice(0, 5).map((w) => `⚠️ ${w.file}: ${w.message}`);
  if (report.warnings.length > 5) warnings.push(`…and ${report.warnings.length - 5} more warnings in the log.`);
  return warnings;
}

export const reindex: SlashCommand = {
  definition: new SlashCommandBuilder()
    .setName('reindex')
    .setDescription('Re-read the corpus folder and update the index (server managers only)')
    .setDefaultMemberPermissions(PermissionFlagsBits.ManageGuild)
    .setContexts(InteractionContextType.Guild)
    .toJSON(),

  async execute(i, ctx) {
    if (!(await mayChangeCorpus(i, ctx, 're-index the corpus'))) return;
    await deferReliably(i, true, ctx.log);
    ctx.log.info('reindex started', { user: i.user.id, guild: i.guildId });
    const report = await reindexWithProgress(i, ctx);
    await reportToUser(i, clip([`Re-index done: ${describeReport(report)}.`, ...warningLines(report)].join('\n'), LIMITS.content), ctx);
  },
};
