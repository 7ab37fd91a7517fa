import { ApplicationCommandType, ContextMenuCommandBuilder, MessageFlags } from 'discord.js';
import { checkQuestion, UserError } from '../retrieval/errors.ts';
import { replyReliably } from '../discord/deliver.ts';
import { questionFromMessage } from '../discord/question-text.ts';
import { answerInteraction, cooldownMessage, FETCHED } from './ask.ts';
import { NO_MENTIONS, type SlashCommand } from './types.ts';

export const ASK_MESSAGE = 'Ask about this message';

/** Right-click a message → Apps → "Ask about this message": its text is the question, answered privately with a "Post publicly" button. */
export const askMessage: SlashCommand = {
  definition: new ContextMenuCommandBuilder().setName(ASK_MESSAGE).setType(ApplicationCommandType.Message).toJSON(),

  async onMessage(i, ctx) {
    const slow = cooldownMessage(ctx, i.user.id);
    if (slow) return void (await replyReliably(i, { content: slow, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }, ctx.log));
    const text = questionFromMessage(i.targetMessage.content ?? '');
    if (!/[\p{L}\p{N}]/u.test(text)) throw new UserError('That message has no words to ask about (only links, mentions, code markers or attachments).');
    const question = checkQuestion(text);
    await answerInteraction(i, ctx, async () => ({ answer: await ctx.work.ask(question, { limit: FETCHED }) }), true);
  },
};
