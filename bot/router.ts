import { MessageFlags, type Interaction, type RepliableInteraction } from 'discord.js';
import { DeliveryFailed, deliver, DiscordGone, isGone, replyReliably } from '../discord/deliver.ts';
import { COMMANDS } from '../commands/index.ts';
import { NO_MENTIONS, type CommandContext } from '../commands/types.ts';
import { UserError } from '../retrieval/errors.ts';

/** Sends a short ephemeral message, whatever state the interaction is in. Never throws. */
export async function tell(i: RepliableInteraction, content: string, ctx: CommandContext): Promise<void> {
  try {
    const msg = { content, allowedMentions: NO_MENTIONS };
    if (i.deferred && !i.replied) {
      // A deferred reply keeps the visibility chosen when deferring; the message stays short.
      await deliver(i, 'message', () => i.editReply(msg), ctx);
    } else if (i.replied) {
      await deliver(i, 'message', () => i.followUp({ ...msg, flags: MessageFlags.Ephemeral }), ctx);
    } else {
      await replyReliably(i, { ...msg, flags: MessageFlags.Ephemeral }, ctx.log);
    }
  } catch (e) {
    if (e instanceof DiscordGone || e instanceof DeliveryFailed) return; // already logged
    if (isGone(e)) return void ctx.log.warn('interaction no longer answerable', { interaction: i.id, code: e.code });
    ctx.log.warn('could not tell the user about an error', { interaction: i.id, error: e });
  }
}

/** Routes one interaction to its command; errors become a short message to the user and a log entry. */
export async function handleInteraction(i: Interaction, ctx: CommandContext): Promise<void> {
  const started = Date.now();
  const where = { interaction: i.id, user: i.user.id, guild: i.guildId };
  try {
    if (i.isChatInputCommand()) {
      const cmd = COMMANDS.get(i.commandName);
      if (!cmd?.execute) return void (await tell(i, 'This command is no longer supported.', ctx));
      await cmd.execute(i, ctx);
      ctx.log.info('command', { ...where, command: i.commandName, ms: Date.now() - started });
    } else if (i.isMessageContextMenuCommand()) {
      const cmd = COMMANDS.get(i.commandName);
      if (!cmd?.onMessage) return void (await tell(i, 'This command is no longer supported.', ctx));
      await cmd.onMessage(i, ctx);
      ctx.log.info('command', { ...where, command: i.commandName, ms: Date.now() - started });
    } else if (i.isModalSubmit()) {
      const [name, ...args] = i.customId.split(':');
      const cmd = name ? COMMANDS.get(name) : undefined;
      if (!cmd?.modal) return void (await tell(i, 'This form no longer works; run the command again.', ctx));
      await cmd.modal(i, args, ctx);
      ctx.log.info('modal', { ...where, customId: i.customId, ms: Date.now() - started });
    } else if (i.isAutocomplete()) {
      const cmd = COMMANDS.get(i.commandName);
      if (cmd?.autocomplete) await cmd.autocomplete(i, ctx);
      else await i.respond([]);
    } else if (i.isButton()) {
      const [name, ...args] = i.customId.split(':');
      const cmd = name ? COMMANDS.get(name) : undefined;
      if (!cmd?.button) return void (await tell(i, 'This button no longer works; run the command again.', ctx));
      await cmd.button(i, args, ctx);
      ctx.log.info('button', { ...where, customId: i.customId, ms: Date.now() - started });
    }
  } catch (e) {
    if (e instanceof UserError) {
      if (i.isRepliable()) await tell(i, e.message, ctx);
      return;
    }
    // Expected ends (expired, already answered) and given-up deliveries were logged once where they happened.
    if (e instanceof DiscordGone || e instanceof DeliveryFailed) return;
    if (isGone(e)) return void ctx.log.warn('interaction no longer answerable', { ...where, code: e.code });
    ctx.log.error('interaction failed', { ...where, kind: i.type, error: e });
    if (i.isRepliable()) await tell(i, 'Sorry — something went wrong while answering. It has been logged; please try again.', ctx);
    else if (i.isAutocomplete() && !i.responded) await i.respond([]).catch(() => {});
  }
}
