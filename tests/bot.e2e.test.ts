import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log.ts';
import { startBot, type RunningBot } from '../bot/start.ts';
import { autocomplete, buttonClick, slashCommand, type Who } from './fake-discord/interactions.ts';
import { expectWithinDiscordLimits } from './fake-discord/limits.ts';
import { APP_ID, FakeDiscord, GUILD_ID } from './fake-discord/server.ts';
import { openSeedEngine } from './helpers/seed.ts';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.token-never-logged';

/** Discord markdown without its bold markers (`\x` escapes stay as they are). */
const withoutBold = (md: string) => md.replace(/\\[\s\S]|\*\*/g, (m) => (m === '**' ? '' : m));
/** How many unescaped `**` a line holds. */
const boldMarkers = (md: string) => [...md.matchAll(/\\[\s\S]|\*\*/g)].filter((m) => m[0] === '**').length;

describe('Discord bot end to end (real discord.js client, fake Discord)', () => {
  const fake = new FakeDiscord();
  const logs: string[] = [];
  let bot: RunningBot;
  let users = 0;

  beforeAll(async () => {
    await fake.start();
    const engine = await openSeedEngine();
    const config: BotConfig = { token: TOKEN, clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 60_000, answerThreads: null, shutdownGraceMs: 10_000, engine: engine.settings };
    bot = await startBot(config, engine, createLogger([TOKEN], (l) => logs.push(l)));
  });

  afterAll(async () => {
    // The client goes first: closing the fake under a live client makes it reconnect.
    await bot?.stop();
    await fake.stop();
  });

  const send = (payload: { id: string; token: string }, edited = false) => fake.interact(payload, edited);
  const newUser = (): Who => ({ userId: String(600000000000000000n + BigInt(++users)) });

  it('logs in through the gateway and registers the guild commands with the bot token', async () => {
    const put = await fake.waitFor((r) => r.method === 'PUT');
    expect(put.path).toBe(`/applications/${APP_ID}/guilds/${GUILD_ID}/commands`);
    expect(put.auth).toBe(`Bot ${TOKEN}`);
    expect(put.body.map((c: { name: string }) => c.name).sort()).toEqual(['Ask about this message', 'add-article', 'articles', 'ask', 'help', 'reindex', 'remove-article', 'sources', 'summary']);
    const reindex = put.body.find((c: { name: string }) => c.name === 'reindex');
    expect(reindex.default_member_permissions).toBe('32');
    expect(bot.client.isReady()).toBe(true);
    expect(bot.client.guilds.cache.has(GUILD_ID)).toBe(true);
    expect(logs.some((l) => l.includes('"msg":"bot ready"'))).toBe(true);
  });

  it('/ask defers, then edits in an embed quoting and citing the right article', async () => {
    const { callback, edit } = await send(slashCommand('ask', { question: 'How long is the national strike by UK railway workers?' }, newUser()), true);
    expect(callback.type).toBe(5);
    expectWithinDiscordLimits(edit);
    const [embed] = edit.embeds;
    expect(embed.title).toBe('How long is the national strike by UK railway workers?');
    expect(embed.description).toMatch(/^\*\*1\.\*\* /);
    expect(embed.description).toContain('Railway Workers in the UK Organize Three-Day National Strike');
    expect(embed.description).toMatch(/\n> .*railway workers/i);
    expect(embed.description).toMatch(/¶1/);
    // At most one bold span per quote, always closed.
    for (const l of embed.description.split('\n').filter((x: string) => x.startsWith('> '))) expect([0, 2]).toContain(boldMarkers(l));
    const labels = edit.components.flatMap((r: any) => r.components.map((c: any) => c.label));
    expect(labels).toEqual(expect.arrayContaining(['More passages', 'Full paragraph 1']));
  });

  it('/ask says plainly when nothing reliable is found, and offers nothing as an answer', async () => {
    const { edit } = await send(slashCommand('ask', { question: 'What is the boiling point of mercury?' }, newUser()), true);
    expectWithinDiscordLimits(edit);
    expect(edit.embeds[0].description).toMatch(/^Nothing reliable found/);
    // Only the votes: no paging, no paragraphs, no follow-up within the (no) articles of the answer.
    expect(edit.components.flatMap((r: any) => r.components.map((c: any) => c.label))).toEqual(['👍 Helpful (0)', '👎 Not helpful (0)']);
    // Closest passages, if any, come in their own embed, without a confidence cue or a bolded "answer".
    expect(edit.embeds.length).toBeLessThanOrEqual(2);
    if (edit.embeds[1]) expect(edit.embeds[1].title).toBe('Closest passages (not an answer)');
    expect(JSON.stringify(edit.embeds)).not.toMatch(/🟢|🟡|🟠|match\b/);
    for (const e of edit.embeds) for (const l of e.description.split('\n').filter((x: string) => x.startsWith('> '))) expect(boldMarkers(l)).toBe(0);
  });

  it('"More passages" shows the next page in place, and "Full paragraph" the whole paragraph', async () => {
    const { edit } = await send(slashCommand('ask', { question: 'Israel Rafah invasion Biden ceasefire' }, newUser()), true);
    expect(edit.embeds[0].footer.text).toMatch(/^Passages 1–3 of ([4-9]|1\d)/);
    const buttons = edit.components.flatMap((r: any) => r.components);
    const more = buttons.find((c: any) => c.label === 'More passages');
    expect(more.disabled).toBe(false);
    const page2 = await send(buttonClick(more.custom_id, edit, newUser()));
    expect(page2.callback.type).toBe(7);
    expectWithinDiscordLimits({ ...page2.callback.data, allowed_mentions: page2.callback.data.allowed_mentions });
    expect(page2.callback.data.embeds[0].footer.text).toMatch(/^Passages 4–/);
    expect(page2.callback.data.embeds[0].description).toMatch(/^\*\*4\.\*\* /);

    const full = buttons.find((c: any) => c.label === 'Full paragraph 1');
    const para = await send(buttonClick(full.custom_id, edit, newUser()));
    expect(para.callback.type).toBe(4);
    expect(para.callback.data.flags).toBe(64);
    expectWithinDiscordLimits(para.callback.data);
    // The quote line may bold its answer span; without those markers it is the quote, bold in the paragraph.
    const line = edit.embeds[0].description.split('\n').find((l: string) => l.startsWith('> '))!.slice(2);
    const quote = withoutBold(line);
    expect(para.callback.data.embeds[0].description).toContain(`**${quote.replace(/ …$/, '')}`);
  });

  it('autocompletes article titles on /summary, then summarises the chosen one with citations', async () => {
    const { callback } = await send(autocomplete('summary', 'article', 'israel'));
    expect(callback.type).toBe(8);
    const choices = callback.data.choices as { name: string; value: string }[];
    expect(choices.length).toBeGreaterThan(0);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const c of choices) {
      expect(c.name.length).toBeLessThanOrEqual(100);
      expect(c.value.length).toBeLessThanOrEqual(100);
    }
    const losing = choices.find((c) => c.name.startsWith('Israel is Losing'))!;
    expect(losing).toBeDefined();
    const { edit } = await send(slashCommand('summary', { article: losing.value }), true);
    expectWithinDiscordLimits(edit);
    expect(edit.embeds[0].title).toBe('Israel is Losing');
    expect(edit.embeds[0].description).toMatch(/\[¶\d+\]/);
  });

  it('autocompletes the author and source filters of /ask from the corpus', async () => {
    const authors = await send(autocomplete('ask', 'author', 'bhadra'));
    expect(authors.callback).toEqual({ type: 8, data: { choices: [{ name: 'M.K. Bhadrakumar', value: 'M.K. Bhadrakumar' }] } });
    const sources = await send(autocomplete('ask', 'source', ''));
    expect(sources.callback.data.choices.map((c: { name: string }) => c.name)).toEqual(['Indian Punchline', 'Peoples Dispatch']);
  });

  it('/sources names author, source and date of an article', async () => {
    const { edit } = await send(slashCommand('sources', { article: 'Sino-Russian Entente' }), true);
    expectWithinDiscordLimits(edit);
    const fields = Object.fromEntries(edit.embeds[0].fields.map((f: any) => [f.name, f.value]));
    expect(fields).toMatchObject({ Author: 'M.K. Bhadrakumar', 'Courtesy of': 'Indian Punchline', Date: '2024-05-24' });
  });

  it('/articles pages with buttons', async () => {
    const { callback } = await send(slashCommand('articles'));
    expect(callback.type).toBe(4);
    expectWithinDiscordLimits(callback.data);
    expect(callback.data.embeds[0].title).toBe('Articles in the corpus (11)');
    const next = callback.data.components[0].components.find((c: any) => c.label === 'Next');
    const page2 = await send(buttonClick(next.custom_id));
    expect(page2.callback.data.embeds[0].description).toMatch(/^\*\*11\.\*\*/);
  });

  it('refuses /reindex to a member without Manage Server, and runs it for one who has it', async () => {
    const denied = await send(slashCommand('reindex', {}, { admin: false }));
    expect(denied.callback.type).toBe(4);
    expect(denied.callback.data.flags).toBe(64);
    expect(denied.callback.data.content).toMatch(/Manage Server/);
    const allowed = await send(slashCommand('reindex', {}, { admin: true }), true);
    expect(allowed.callback).toMatchObject({ type: 5, data: { flags: 64 } });
    expect(allowed.edit.content).toMatch(/^Re-index done: 11 articles from 2 files, \d+ chunks; nothing changed/);
  });

  it('puts a hasty asker on a short cooldown with a friendly, private message', async () => {
    const who = newUser();
    await send(slashCommand('ask', { question: 'Sri Lanka students' }, who), true);
    const again = await send(slashCommand('ask', { question: 'Sri Lanka police' }, who));
    expect(again.callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(again.callback.data.content).toMatch(/try again in \d+ s/);
  });

  it('answers bad input with a short private message and keeps running', async () => {
    const bad = await send(slashCommand('ask', { question: 'Rafah', since: 'last week' }, newUser()));
    expect(bad.callback).toMatchObject({ type: 4, data: { flags: 64 } });
    expect(bad.callback.data.content).toMatch(/since needs a date as YYYY-MM-DD/);
    const stale = await send(buttonClick('ask:page:999:1'));
    expect(stale.callback.data.content).toMatch(/expired/);
    expect(bot.client.isReady()).toBe(true);
  });

  it('never logs the token', () => {
    expect(logs.length).toBeGreaterThan(5);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});
