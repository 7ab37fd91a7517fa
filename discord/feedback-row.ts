import { ActionRowBuilder, ButtonBuilder, ButtonStyle, type APIActionRowComponent, type APIComponentInActionRow } from 'discord.js';
import { customId } from '../commands/types.ts';
import type { Tally } from './feedback.ts';

const HELPFUL = '👍 Helpful';
const NOT_HELPFUL = '👎 Not helpful';

/** The buttons under every answer: the two votes with their counts, and, when it can be asked, a follow-up. */
export function feedbackRow(key: string, tally: Tally, opts: { followUp: boolean; share: boolean }): ActionRowBuilder<ButtonBuilder> {
  const row = new ActionRowBuilder<ButtonBuilder>().addComponents(
    new ButtonBuilder().setCustomId(customId('ask', 'vote', key, 'up')).setLabel(`${HELPFUL} (${tally.helpful})`).setStyle(ButtonStyle.Success),
    new ButtonBuilder().setCustomId(customId('ask', 'vote', key, 'down')).setLabel(`${NOT_HELPFUL} (${tally.notHelpful})`).setStyle(ButtonStyle.Danger),
  );
  if (opts.followUp) row.addComponents(new ButtonBuilder().setCustomId(customId('ask', 'follow', key)).setLabel('Ask a follow-up').setStyle(ButtonStyle.Primary));
  if (opts.share) row.addComponents(new ButtonBuilder().setCustomId(customId('ask', 'share', key)).setLabel('Post publicly').setStyle(ButtonStyle.Secondary));
  return row;
}

/**
 * The message's rows with the vote counts brought up to date, everything else as it was: a vote
 * edits only the labels, whatever page or answer the message shows.
 */
export function withTally(rows: APIActionRowComponent<APIComponentInActionRow>[], key: string, tally: Tally): APIActionRowComponent<APIComponentInActionRow>[] {
  const up = customId('ask', 'vote', key, 'up');
  const down = customId('ask', 'vote', key, 'down');
  return rows.map((r) => ({
    ...r,
    components: r.components.map((c) => {
      if (!('custom_id' in c)) return c;
      if (c.custom_id === up) return { ...c, label: `${HELPFUL} (${tally.helpful})` };
      if (c.custom_id === down) return { ...c, label: `${NOT_HELPFUL} (${tally.notHelpful})` };
      return c;
    }),
  }));
}
