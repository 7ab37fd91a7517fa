import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BotConfig } from '../bot/config.ts';
import { createLogger } from '../bot/log.ts';
import { startBot, type RunningBot } from '../bot/start.ts';
import { askBurst, percentile } from './fake-discord/burst.ts';
import { APP_ID, FakeDiscord, GUILD_ID } from './fake-discord/server.ts';
import { openSeedEngine } from './helpers/seed.ts';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.load-token';

// Strict latency figures are for `npm run bench:discord`; the bounds here hold on a loaded 2-core CI.
describe('a burst of 200 /ask within a second', () => {
  const fake = new FakeDiscord();
  const logs: string[] = [];
  let bot: RunningBot;

  beforeAll(async () => {
    await fake.start();
    const engine = await openSeedEngine();
    const config: BotConfig = { token: TOKEN, clientId: APP_ID, guildId: GUILD_ID, apiBase: fake.apiBase, askCooldownMs: 5000, answerThreads: 1, shutdownGraceMs: 10_000, engine: engine.settings };
    bot = await startBot(config, engine, createLogger([TOKEN], (l) => logs.push(l)));
  });

  afterAll(async () => {
    await bot?.stop();
    await fake.stop();
  });

  it('every one is acknowledged, answered on worker threads, and none gets an apology', async () => {
    const r = await askBurst(fake, 200, 1000, 100_000);
    expect(r.ackMs).toHaveLength(200);
    expect(r.answered).toBe(200);
    expect(r.sorry + r.busy).toBe(0);
    // Deferrals do not wait for answers: far below the time the 200 answers take.
    expect(percentile(r.ackMs, 50)).toBeLessThan(Math.max(1500, r.doneMs / 4));
    expect(logs.filter((l) => l.includes('"level":"error"'))).toEqual([]);
  });
});
