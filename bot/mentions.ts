import type { Message } from 'discord.js';
import { answerOf, cooldownMessage, FETCHED } from '../commands/ask.ts';
import type { CommandContext } from '../commands/types.ts';
import { NO_MENTIONS } from '../commands/types.ts';
import { questionFromMessage } from '../discord/question-text.ts';
import { checkQuestion, UserError } from '../retrieval/errors.ts';

/**
 * "@bot question" in a channel (ANSWER_MENTIONS=true): answered like /ask, as a reply to the message,
 * under the same per-user cooldown. Discord sends the text of a message that mentions the bot without
 * the privileged MessageContent intent; other messages arrive empty and are ignored.
 */
export async function handleMention(m: Message, ctx: CommandContext): Promise<void> {
  const me = m.client.user?.id;
  if (!me || m.author.bot || m.system || !m.inGuild()) return;
  // The bot's own mention typed in the text: not a reply that merely pings it, not @everyone or a role.
  if (!new RegExp(`<@!?${me}>`).test(m.content)) return;
  const reply = (content: string) => m.reply({ content, allowedMentions: NO_MENTIONS });
  try {
    const slow = cooldownMessage(ctx, m.author.id);
    if (slow) return void (await reply(slow));
    const text = questionFromMessage(m.content);
    if (!/[\p{L}\p{N}]/u.test(text)) return void (await reply(`Ask me a question after the mention, e.g. <@${me}> Who organised the rail strike?`));
    const question = checkQuestion(text);
    const answer = await ctx.work.ask(question, { limit: FETCHED });
    await m.reply({ ...(await answerOf(m.id, answer, ctx)), allowedMentions: NO_MENTIONS });
    ctx.log.info('mention', { message: m.id, user: m.author.id, guild: m.guildId });
  } catch (e) {
    if (e instanceof UserError) return void (await reply(e.message).catch(() => {}));
    ctx.log.error('mention failed', { message: m.id, guild: m.guildId, error: e });
    await reply('Sorry — something went wrong while answering. It has been logged; please try again.').catch(() => {});
  }
}
