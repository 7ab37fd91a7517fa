import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadBotConfig, type BotConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log.ts';
import { startBot, type RunningBot } from '../bot/start.ts';
import { buttonClick, userMessage } from './fake-discord/interactions.ts';
import { expectWithinDiscordLimits } from './fake-discord/limits.ts';
import { APP_ID, CHANNEL_ID, FakeDiscord, GUILD_ID, type RecordedRequest } from './fake-discord/server.ts';
import { openSeedEngine } from './helpers/seed.ts';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.token-mentions';
const GUILDS = 1 << 0;
const GUILD_MESSAGES = 1 << 9;
const MESSAGE_CONTENT = 1 << 15;
const BOT_MENTION = { id: APP_ID, username: 'newsbot', discriminator: '0', global_name: null, avatar: null, bot: true };

describe('answers when mentioned (ANSWER_MENTIONS=true; real discord.js client, fake Discord gateway)', () => {
  const fake = new FakeDiscord();
  let bot: RunningBot;
  let users = 0;

  beforeAll(async () => {
    await fake.start();
    const engine = await openSeedEngine();
    const config: BotConfig = { token: TOKEN, clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 60_000, answerThreads: 0, shutdownGraceMs: 10_000, engine: engine.settings, answerMentions: true };
    bot = await startBot(config, engine, createLogger([TOKEN], () => {}));
  });

  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  const isReply = (r: RecordedRequest) => r.method === 'POST' && r.path === `/channels/${CHANNEL_ID}/messages`;
  /** A member's message arrives on the gateway; resolves with the bot's reply to it. */
  const post = async (content: string, opts: { mentions?: object[]; bot?: boolean } = {}) => {
    const userId = String(910000000000000000n + BigInt(++users));
    const msg = userMessage(content, { userId }, { guild_id: GUILD_ID, mentions: opts.mentions ?? [BOT_MENTION], member: { roles: [], joined_at: new Date().toISOString(), deaf: false, mute: false, flags: 0 } });
    if (opts.bot) (msg.author as { bot?: boolean }).bot = true;
    return { msg, userId, reply: (from = fake.requests.length) => (fake.dispatch('MESSAGE_CREATE', msg), fake.waitFor((r) => isReply(r) && r.body?.message_reference?.message_id === msg.id, 30_000, from)) };
  };

  it('asks for GuildMessages, not the privileged MessageContent intent', () => {
    const intents = fake.identifies.at(-1).intents;
    expect(intents & GUILDS).toBe(GUILDS);
    expect(intents & GUILD_MESSAGES).toBe(GUILD_MESSAGES);
    expect(intents & MESSAGE_CONTENT).toBe(0);
  });

  it('"@bot question" is answered like /ask, as a reply to the message, pinging nobody', async () => {
    const m = await post(`<@${APP_ID}> How long is the national strike by UK railway workers?`);
    const r = await m.reply();
    expectWithinDiscordLimits(r.body);
    expect(r.body.message_reference.message_id).toBe(m.msg.id);
    expect(r.body.allowed_mentions).toMatchObject({ parse: [] });
    expect(r.body.allowed_mentions.replied_user ?? false).toBe(false);
    expect(r.body.embeds[0].title).toBe('How long is the national strike by UK railway workers?');
    expect(r.body.embeds[0].description).toContain('Railway Workers in the UK Organize Three-Day National Strike');
    // Its buttons work like those of /ask.
    const up = r.body.components.flatMap((row: any) => row.components).find((c: any) => /Helpful/.test(c.label));
    const vote = await fake.interact(buttonClick(up.custom_id, r.body, { userId: m.userId }));
    expect(vote.callback.type).toBe(7);
  });

  it('the same user asking again at once gets the cooldown, like /ask', async () => {
    const m = await post(`<@${APP_ID}> Sri Lanka students`);
    await m.reply();
    const again = userMessage(`<@${APP_ID}> Sri Lanka police`, { userId: m.userId }, { guild_id: GUILD_ID, mentions: [BOT_MENTION] });
    const from = fake.requests.length;
    fake.dispatch('MESSAGE_CREATE', again);
    const r = await fake.waitFor((x) => isReply(x) && x.body?.message_reference?.message_id === again.id, 30_000, from);
    expect(r.body.content).toMatch(/try again in \d+ s/);
    expect(r.body.embeds ?? []).toEqual([]);
  });

  it('a mention without a question gets a hint', async () => {
    const m = await post(`<@${APP_ID}>   https://example.com`);
    const r = await m.reply();
    expect(r.body.content).toMatch(/^Ask me a question after the mention/);
  });

  it('ignores messages that do not mention the bot in their text, and messages from bots', async () => {
    const from = fake.requests.length;
    const plain = await post('How long is the national strike by UK railway workers?', { mentions: [] });
    const fromBot = await post(`<@${APP_ID}> How long is the strike?`, { bot: true });
    fake.dispatch('MESSAGE_CREATE', plain.msg);
    fake.dispatch('MESSAGE_CREATE', fromBot.msg);
    // A later mention is answered: the two before it were read and passed over.
    const later = await post(`<@${APP_ID}> Who is M.K. Bhadrakumar?`);
    const r = await later.reply(from);
    expect(r.body.message_reference.message_id).toBe(later.msg.id);
    expect(fake.requests.slice(from).filter(isReply).map((x) => x.body.message_reference.message_id)).toEqual([later.msg.id]);
  });

  it('ANSWER_MENTIONS is off by default and checked', () => {
    expect(loadBotConfig({}).answerMentions).toBe(false);
    expect(loadBotConfig({ ANSWER_MENTIONS: 'true' }).answerMentions).toBe(true);
    expect(() => loadBotConfig({ ANSWER_MENTIONS: 'sometimes' })).toThrowError(/ANSWER_MENTIONS must be true or false/);
  });
});
