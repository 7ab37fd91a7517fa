import { afterAll, beforeAll, beforeEach, describe, expect, inject, it } from 'vitest';
import { PROCESS_TOKEN as TOKEN, startBotProcess, type BotProcess } from './fake-discord/bot-process.ts';
import { slashCommand } from './fake-discord/interactions.ts';
import { FakeDiscord, isCallback, isEdit } from './fake-discord/server.ts';
import { SEED_CORPUS } from './helpers/seed.ts';

const startProcess = (command: string, args: string[], fake: FakeDiscord) =>
  startBotProcess(command, args, fake, { INDEX_DIR: inject('seedIndexDir'), CORPUS_DIR: SEED_CORPUS, ANSWER_THREADS: '1', SHUTDOWN_GRACE_SECONDS: '60' });

const has = (bot: BotProcess, text: string) => bot.lines.some((l) => l.includes(text));
const waitReady = (bot: BotProcess) => expect.poll(() => has(bot, '"msg":"bot ready"'), { timeout: 150_000, interval: 200 }).toBe(true);

describe('the bot as a process: signals and fatal gateway closes', () => {
  const fake = new FakeDiscord();
  const running: BotProcess[] = [];
  let users = 0;

  beforeAll(() => fake.start());
  beforeEach(() => fake.clearFaults());
  afterAll(async () => {
    for (const b of running) {
      try {
        process.kill(-b.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await fake.stop();
  });

  const ask = () => slashCommand('ask', { question: 'How long is the national strike by UK railway workers?' }, { userId: String(800000000000000000n + BigInt(++users)) });
  const delivered = (token: string) => fake.requests.some((r) => isEdit(r) && r.path.includes(token) && r.status === 200);

  it('`npm start`, SIGTERM (twice) to the whole process group with 20 answers in flight: all 20 delivered, status 0', async () => {
    const bot = startProcess('npm', ['start', '--silent'], fake);
    running.push(bot);
    await waitReady(bot);
    // Slow edits keep the answers in flight when the signal comes.
    fake.inject(isEdit, { delayMs: 2500 });
    const asks = Array.from({ length: 20 }, ask);
    for (const a of asks) fake.dispatchInteraction(a);
    await expect.poll(() => asks.filter((a) => fake.requests.some((r) => isCallback(r) && r.path.includes(a.token) && r.status === 204)).length, { timeout: 30_000 }).toBe(20);
    expect(asks.filter((a) => delivered(a.token))).toHaveLength(0);

    process.kill(-bot.pid, 'SIGTERM');
    // The same signal again within a second (a terminal or a launcher passing it on) changes nothing.
    await new Promise((r) => setTimeout(r, 150));
    process.kill(-bot.pid, 'SIGTERM');
    // Still connected while it finishes: a newcomer is told to come back instead of being left hanging.
    await expect.poll(() => has(bot, '"msg":"shutting down"'), { timeout: 5000, interval: 20 }).toBe(true);
    const late = await fake.interact(slashCommand('help', {}, { userId: '899999999999999999' }));
    expect(late.callback.data.content).toMatch(/restarting/);

    await bot.closed;
    // The 10-s default bound is checked in-process; a loaded CI may need longer for 20 answers.
    expect(asks.filter((a) => delivered(a.token)), bot.lines.filter((l) => !l.includes('"level":"info"')).join('\n')).toHaveLength(20);
    expect(bot.lines.find((l) => l.includes('"msg":"bot stopped"'))).toContain('"unfinished":0');
    expect(has(bot, '"msg":"signal repeated; still shutting down"')).toBe(true);
    // npm itself died of the signal at once; the bot's own status is in its last line.
    expect(has(bot, '"msg":"exiting","status":0')).toBe(true);
    expect(fake.clientCloses.at(-1)).toBe(1000);
    expect(bot.lines.join('\n')).not.toContain(TOKEN);
  });

  it('gateway close 4004 (token reset while running): a clear message and a failure status', async () => {
    const bot = startProcess(process.execPath, ['--import', 'tsx', 'bot/main.ts'], fake);
    running.push(bot);
    await waitReady(bot);
    fake.closeGateway(4004);
    expect(await bot.exited).toEqual({ code: 1, signal: null });
    expect(bot.lines.find((l) => l.includes('"level":"error"'))).toMatch(/4004.*Reset it in the Developer Portal/);
  });
});
