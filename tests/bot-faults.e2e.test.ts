import { Status } from 'discord.js';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { BotConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log.ts';
import { startBot, type RunningBot } from '../bot/start.ts';
import type { AnswerWork } from '../commands/types.ts';
import type { Engine } from '../retrieval/engine.ts';
import { buttonClick, slashCommand, type Who } from './fake-discord/interactions.ts';
import { APP_ID, FakeDiscord, GUILD_ID, isCallback, isEdit, type RecordedRequest } from './fake-discord/server.ts';
import { openSeedEngine } from './helpers/seed.ts';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.faults-token';
const QUESTION = 'How long is the national strike by UK railway workers?';

describe('delivery survives Discord faults; bad payloads get a clear answer', () => {
  const fake = new FakeDiscord();
  const logs: string[] = [];
  const fatal: number[] = [];
  let engine: Engine;
  let bot: RunningBot;
  let asked = 0;
  let users = 0;

  beforeAll(async () => {
    await fake.start();
    engine = await openSeedEngine();
    // The real engine answers in this process; counting shows an answer is computed once however often it is sent.
    const work: AnswerWork = { ask: (q, o) => (asked++, engine.ask(q, o)), sources: (q, l) => engine.sources(q, l), summary: (id) => engine.summary(id) };
    const config: BotConfig = { token: TOKEN, clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 0, answerThreads: null, shutdownGraceMs: 10_000, engine: engine.settings };
    bot = await startBot(config, engine, createLogger([TOKEN], (l) => logs.push(l)), { work, onFatal: (code) => fatal.push(code) });
  });

  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  beforeEach(() => fake.clearFaults());

  const newUser = (): Who => ({ userId: String(700000000000000000n + BigInt(++users)) });
  const ask = (options: Record<string, string | number> = { question: QUESTION }) => slashCommand('ask', options, newUser());
  const forToken = (token: string) => (r: RecordedRequest) => r.path.includes(`/${token}/`) || r.path.endsWith(`/${token}`);
  const delivered = (token: string) => fake.waitFor((r) => isEdit(r) && forToken(token)(r) && r.status === 200, 30_000);
  const levels = (from: number) => logs.slice(from).map((l) => JSON.parse(l) as { level: string; msg: string; code?: number });

  it('four 500s in a row on the answer, then 200: the answer arrives, computed once', async () => {
    const payload = ask();
    fake.inject((r) => isEdit(r) && r.path.includes(payload.token), { status: 500 }, { times: 4 });
    const before = asked;
    fake.dispatchInteraction(payload);
    const edit = await delivered(payload.token);
    expect(edit.body.embeds[0].description).toMatch(/railway workers/i);
    const edits = fake.requests.filter((r) => isEdit(r) && r.path.includes(payload.token));
    expect(edits.map((r) => r.status)).toEqual([500, 500, 500, 500, 200]);
    expect(asked - before).toBe(1);
  });

  it('a 503 lasting 5 s: the answer arrives after it clears', async () => {
    const payload = ask();
    fake.inject((r) => isEdit(r) && r.path.includes(payload.token), { status: 503 }, { forMs: 5000 });
    const sent = Date.now();
    fake.dispatchInteraction(payload);
    const edit = await delivered(payload.token);
    expect(edit.at - sent).toBeGreaterThanOrEqual(4900);
    expect(edit.body.embeds[0].description).toMatch(/railway workers/i);
  });

  it('dropped connections on the deferral and on the answer are retried', async () => {
    const payload = ask();
    fake.inject((r) => isCallback(r) && r.path.includes(payload.token), { drop: true }, { times: 1 });
    fake.inject((r) => isEdit(r) && r.path.includes(payload.token), { drop: true }, { times: 3 });
    fake.dispatchInteraction(payload);
    const edit = await delivered(payload.token);
    expect(edit.body.embeds[0].description).toMatch(/railway workers/i);
    const callbacks = fake.requests.filter((r) => isCallback(r) && r.path.includes(payload.token));
    expect(callbacks.map((r) => r.status)).toEqual([0, 204]);

    const help = slashCommand('help', {}, newUser());
    fake.inject((r) => isCallback(r) && r.path.includes(help.token), { drop: true }, { times: 1 });
    fake.dispatchInteraction(help);
    const reply = await fake.waitFor((r) => isCallback(r) && r.path.includes(help.token) && r.status === 204);
    expect(reply.body.data.embeds[0].title).toBe('News quote bot');
  });

  it('a 429 on the answer waits as Discord says, then delivers (discord.js handles it; kept working)', async () => {
    const payload = ask();
    fake.inject((r) => isEdit(r) && r.path.includes(payload.token), { status: 429, body: { message: 'You are being rate limited.', retry_after: 0.3, global: false }, headers: { 'retry-after': '1', 'x-ratelimit-scope': 'user' } }, { times: 1 });
    fake.dispatchInteraction(payload);
    const edit = await delivered(payload.token);
    expect(edit.body.embeds[0].description).toMatch(/railway workers/i);
    expect(fake.requests.filter((r) => isEdit(r) && r.path.includes(payload.token)).map((r) => r.status)).toEqual([429, 200]);
  });

  it('10062 Unknown interaction on the answer: one warning, no second call, no error', async () => {
    const payload = ask();
    fake.inject((r) => isEdit(r) && r.path.includes(payload.token), { status: 404, body: { message: 'Unknown interaction', code: 10062 } });
    const from = logs.length;
    fake.dispatchInteraction(payload);
    await fake.waitFor((r) => isEdit(r) && r.path.includes(payload.token));
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.requests.filter(forToken(payload.token)).map((r) => `${r.method} ${r.status}`)).toEqual(['POST 204', 'PATCH 404']);
    const after = levels(from).filter((l) => l.level !== 'info');
    expect(after).toEqual([expect.objectContaining({ level: 'warn', code: 10062 })]);
  });

  it('40060 already acknowledged on the deferral: one warning, nothing more sent', async () => {
    const payload = ask();
    fake.inject((r) => isCallback(r) && r.path.includes(payload.token), { status: 400, body: { message: 'Interaction has already been acknowledged.', code: 40060 } });
    const from = logs.length;
    fake.dispatchInteraction(payload);
    await fake.waitFor((r) => isCallback(r) && r.path.includes(payload.token));
    await new Promise((r) => setTimeout(r, 1500));
    expect(fake.requests.filter(forToken(payload.token))).toHaveLength(1);
    expect(levels(from).filter((l) => l.level !== 'info')).toEqual([expect.objectContaining({ level: 'warn', code: 40060 })]);
  });

  it('a missing, mistyped or empty question gets "please type a question", privately', async () => {
    const cases: Record<string, string | number>[] = [{}, { question: 42 }, { question: '   ' }, { author: 'Bhadrakumar' }];
    for (const options of cases) {
      const { callback } = await fake.interact(ask(options));
      expect(callback).toMatchObject({ type: 4, data: { flags: 64 } });
      expect(callback.data.content).toMatch(/Please type a question/);
    }
    const { callback } = await fake.interact(ask({ question: 'Rafah', since: 20240101 }));
    expect(callback.data.content).toMatch(/`since` must be text/);
    expect(logs.some((l) => l.includes('"level":"error"'))).toBe(false);
  });

  it('unknown command names, prototype names included, are refused politely', async () => {
    for (const name of ['__proto__', 'constructor', 'toString', 'nosuch']) {
      const { callback } = await fake.interact(slashCommand(name, {}, newUser()));
      expect(callback.data.content).toMatch(/no longer supported/);
    }
  });

  it('forged or out-of-range button arguments are refused, never rendered', async () => {
    const { edit } = await fake.interact(ask(), true);
    const more = edit.components[0].components.find((c: { label: string }) => c.label === 'More passages');
    const key = more.custom_id.split(':')[2];
    for (const id of [`ask:page:${key}:abc`, `ask:page:${key}:99`, `ask:page:${key}:-1`, `ask:para:${key}:1e3`, `ask:nope:${key}:0`, `ask:page:${key}`, 'articles:abc']) {
      const { callback } = await fake.interact(buttonClick(id, edit, newUser()));
      const text = JSON.stringify(callback);
      expect(text, id).not.toMatch(/NaN/);
      if (id.startsWith('ask')) expect(callback.data.content, id).toMatch(/no longer works/);
      else expect(callback.type).toBe(7);
    }
  });

  it('gateway close 4000 reconnects; 4004 (token reset) is reported as fatal', async () => {
    const connects = fake.gatewayConnects;
    fake.closeGateway(4000);
    await expect.poll(() => fake.gatewayConnects, { timeout: 15_000 }).toBe(connects + 1);
    await expect.poll(() => bot.client.ws.status, { timeout: 15_000 }).toBe(Status.Ready);
    expect(fatal).toEqual([]);
    const { callback } = await fake.interact(slashCommand('help', {}, newUser()));
    expect(callback.type).toBe(4);
    fake.closeGateway(4004);
    await expect.poll(() => fatal, { timeout: 10_000 }).toEqual([4004]);
    expect(logs.some((l) => l.includes('Reset it in the Developer Portal'))).toBe(true);
    expect(logs.join('\n')).not.toContain(TOKEN);
  });
});

describe('stopping', () => {
  it('waits for answers in flight at most its grace period, then disconnects anyway', async () => {
    const fake = new FakeDiscord();
    await fake.start();
    const engine = await openSeedEngine();
    const config: BotConfig = { token: TOKEN, clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 0, answerThreads: 0, shutdownGraceMs: 10_000, engine: engine.settings };
    const logs: string[] = [];
    const bot = await startBot(config, engine, createLogger([TOKEN], (l) => logs.push(l)));
    try {
      // Discord takes 6 s to accept the answer: longer than the 1-s grace given below.
      fake.inject(isEdit, { delayMs: 6000 });
      const payload = slashCommand('ask', { question: QUESTION });
      fake.dispatchInteraction(payload);
      await fake.waitFor((r) => isCallback(r) && r.path.includes(payload.token));
      const started = Date.now();
      expect(await bot.stop(1000)).toEqual({ unfinished: 1 });
      expect(Date.now() - started).toBeLessThan(5000);
      expect(logs.some((l) => l.includes('stopping with interactions unfinished'))).toBe(true);
    } finally {
      await bot.stop();
      await fake.stop();
    }
  });
});
