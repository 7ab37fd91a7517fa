import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../bot/log.ts';
import { startBot, type RunningBot } from '../bot/start.ts';
import { Engine } from '../retrieval/engine.ts';
import { autocomplete, buttonClick, slashCommand } from './fake-discord/interactions.ts';
import { expectNoMidWordCut, expectWithinDiscordLimits } from './fake-discord/limits.ts';
import { APP_ID, FakeDiscord, GUILD_ID } from './fake-discord/server.ts';
import { SEED_CORPUS, seedSettings } from './helpers/seed.ts';
import { tinyEmbedder } from './helpers/tiny-embedder.ts';

// One 12,000-character "sentence": the seed digest with its sentence ends removed.
const longSentence = readFileSync(join(SEED_CORPUS, '004_c0837807500beceb.txt'), 'utf8')
  .replace(/[.!?]+/g, ',')
  .replace(/\s+/g, ' ')
  .slice(2000, 14000)
  .replace(/\s\S*$/, '');
const longTitle = `Harbour ${'Extraordinarily Lengthy Headline About Tariffs '.repeat(8)}`.trim();

/** A hostile corpus: over-long title and paragraph, mentions in text and metadata, many articles. */
function hostileCorpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'hostile-'));
  const records = [
    {
      title: longTitle,
      author: '@everyone',
      source: '<@&123456789012345678>',
      date: '2024-06-01',
      body: `${longSentence}.\n\nThe @everyone harbour tariff ping for @here and <@123456789012345678> rose on the quay.\n\n${'Dockers protested the tariff at the harbour. '.repeat(60)}`,
    },
    ...Array.from({ length: 30 }, (_, i) => ({ title: `Filler Report ${i + 1} on Israel and Trade`, body: `Routine filler report number ${i + 1} about trade.` })),
  ];
  writeFileSync(join(dir, 'hostile.jsonl'), records.map((r) => JSON.stringify(r)).join('\n'));
  return dir;
}

describe('bot output stays within Discord limits and pings nobody', () => {
  const fake = new FakeDiscord();
  let bot: RunningBot;

  beforeAll(async () => {
    await fake.start();
    const settings = seedSettings(mkdtempSync(join(tmpdir(), 'hostile-index-')), hostileCorpus());
    const engine = await Engine.open(settings, () => {}, await tinyEmbedder());
    await engine.ensureIndex();
    bot = await startBot({ token: 'x.y.z-test', clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 0, answerThreads: 0, shutdownGraceMs: 10_000, engine: settings }, engine, createLogger([], () => {}));
  });

  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  const send = (payload: { id: string; token: string }, edited = false) => fake.interact(payload, edited);

  /** The embed that quotes passages: the answer, or the closest passages when the question is not answered. */
  const quoting = (edit: any) => edit.embeds.find((e: any) => /^> /m.test(e.description ?? ''));

  it('an over-long quote is shortened at word boundaries, says so, and fits every limit', async () => {
    const { edit } = await send(slashCommand('ask', { question: 'What did Lavrov say about China and Russia?' }), true);
    expectWithinDiscordLimits(edit);
    // Answered or offered as the closest passage, the 12,000-character quote is shown shortened.
    const embed = quoting(edit);
    expect(embed).toBeDefined();
    expect(embed.description).toContain('…');
    expect(embed.footer.text).toMatch(/shortened/);
    // Bold markers around an answer span are not part of the words.
    expectNoMidWordCut(embed.description.replace(/\\[\s\S]|\*\*/g, (m: string) => (m === '**' ? '' : m)), `${longSentence} ${longTitle}`);
    const full = edit.components.flatMap((r: any) => r.components).find((c: any) => c.label === 'Full paragraph 1');
    if (full) {
      const para = await send(buttonClick(full.custom_id, edit));
      expectWithinDiscordLimits(para.callback.data);
      expect(para.callback.data.embeds[0].description).toMatch(/\(paragraph continues\)\*$/);
    }
  });

  it('a quote containing @everyone and role/user mentions pings nobody', async () => {
    const { edit } = await send(slashCommand('ask', { question: 'Who pinged the harbour tariff on the quay?' }), true);
    expectWithinDiscordLimits(edit);
    const embed = quoting(edit);
    expect(embed.description).toContain('@everyone');
    // The user mention shows as text, not as a mention.
    expect(embed.description).toContain('\\<@123456789012345678>');
    expect(edit.allowed_mentions).toEqual({ parse: [] });
  });

  it('summaries, source cards, autocomplete and article pages of the hostile corpus fit too', async () => {
    const ac = await send(autocomplete('summary', 'article', ''));
    expect(ac.callback.data.choices).toHaveLength(25);
    for (const c of ac.callback.data.choices) expect(c.name.length).toBeLessThanOrEqual(100);
    const long = ac.callback.data.choices.find((c: any) => c.name.startsWith('Harbour'));
    expect(long.name.endsWith('…')).toBe(true);

    const summary = await send(slashCommand('summary', { article: long.value }), true);
    expectWithinDiscordLimits(summary.edit);
    const card = await send(slashCommand('sources', { article: long.value, query: 'harbour tariff' }), true);
    expectWithinDiscordLimits(card.edit);
    expect(card.edit.embeds).toHaveLength(2);
    const list = await send(slashCommand('articles', { page: 4 }));
    expectWithinDiscordLimits(list.callback.data);
    expect(list.callback.data.embeds[0].footer.text).toMatch(/^Page 4 of 4/);
  });
});
