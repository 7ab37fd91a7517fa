import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { startBotProcess, type BotProcess } from './fake-discord/bot-process.ts';
import { buttonClick, slashCommand } from './fake-discord/interactions.ts';
import { FakeDiscord, shardOf } from './fake-discord/server.ts';
import { SEED_CORPUS } from './helpers/seed.ts';

// Two servers, one on each shard: (id >> 22) % 2 is 0 for the first and 1 for the second.
const GUILDS = ['200000000000000002', '200000000004194306'];

/** Resident memory (KiB) of a process, from /proc. */
const rssKiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);
/** Direct children of a process. */
const childrenOf = (pid: number): number[] => {
  let out = '';
  try {
    out = execFileSync('ps', ['-o', 'pid=', '--ppid', String(pid)], { encoding: 'utf8' });
  } catch {
    // ps exits 1 when there are none.
  }
  return out
    .split('\n')
    .map((s) => Number(s.trim()))
    .filter((n) => n > 0);
};
/** Every process below `pid`. */
const descendants = (pid: number): number[] => childrenOf(pid).flatMap((c) => [c, ...descendants(c)]);

describe('the bot in two shards (ShardingManager) on the fake Discord', () => {
  const fake = new FakeDiscord();
  let bot: BotProcess;

  beforeAll(async () => {
    fake.shards = 2;
    fake.guilds = GUILDS;
    await fake.start();
  });
  afterAll(async () => {
    try {
      process.kill(-bot.pid, 'SIGKILL');
    } catch {
      // already gone
    }
    await fake.stop();
  });

  it('announces 2 shards, each identifies with its id, and each answers /ask and its buttons in its own guilds', async () => {
    // DISCORD_SHARDS is left at auto: the count comes from GET /gateway/bot.
    bot = startBotProcess('node', ['--import', 'tsx', 'bot/main.ts'], fake, { INDEX_DIR: inject('seedIndexDir'), CORPUS_DIR: SEED_CORPUS, ANSWER_THREADS: '0', SHUTDOWN_GRACE_SECONDS: '30' });
    const ready = (shard: number) => bot.lines.some((l) => l.includes('"msg":"bot ready"') && l.includes(`"shard":[${shard}]`));
    await expect.poll(() => ready(0) && ready(1), { timeout: 240_000, interval: 250 }).toBe(true);
    expect(fake.requests.some((r) => r.path === '/gateway/bot')).toBe(true);
    expect(fake.identifies.map((d) => d.shard ?? null).sort()).toEqual([
      [0, 2],
      [1, 2],
    ]);
    // Commands are registered once, by shard 0.
    expect(fake.requests.filter((r) => r.method === 'PUT' && r.path.endsWith('/commands'))).toHaveLength(1);

    // Resident memory of each shard process (each loads the model and the embedded index).
    const shardPids = descendants(bot.pid).filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes('bot/main.ts') && p !== bot.pid;
      } catch {
        return false;
      }
    });
    expect(shardPids).toHaveLength(2);
    const rss = shardPids.map((p) => Math.round(rssKiB(p) / 1024));
    console.log(`RSS per shard (embedded store, seed index, ANSWER_THREADS=0): ${rss.join(' MiB, ')} MiB; manager ${Math.round(rssKiB(bot.pid) / 1024)} MiB`);

    for (const guildId of GUILDS) {
      const shard = shardOf(guildId, 2);
      const ask = slashCommand('ask', { question: 'Israel Rafah invasion Biden ceasefire' }, { guildId, userId: `80000000000000000${shard}` });
      const { callback, edit } = await fake.interact(ask, true);
      expect(callback.type).toBe(5);
      expect(edit.embeds[0].footer.text).toMatch(/^Passages 1–3 of ([4-9]|1\d)/);
      // Dispatched on that shard's connection only, and answered by that shard's process.
      expect(fake.dispatchedTo.get(ask.id)).toBe(shard);
      const logged = (id: string, msg: string) => bot.lines.find((l) => l.includes(`"msg":"${msg}"`) && l.includes(`"interaction":"${id}"`)) ?? '';
      await expect.poll(() => logged(ask.id, 'command'), { timeout: 10_000 }).toContain(`"shard":[${shard}]`);

      const more = edit.components.flatMap((r: any) => r.components).find((c: any) => c.label === 'More passages');
      expect(more.disabled).toBe(false);
      const click = buttonClick(more.custom_id, edit, { guildId, userId: `81000000000000000${shard}` });
      const page2 = await fake.interact(click);
      expect(page2.callback.type, JSON.stringify(page2.callback.data)).toBe(7);
      expect(fake.dispatchedTo.get(click.id)).toBe(shard);
      expect(page2.callback.data.embeds[0].footer.text).toMatch(/^Passages 4–/);
      await expect.poll(() => logged(click.id, 'button'), { timeout: 10_000 }).toContain(`"shard":[${shard}]`);
    }

    // SIGTERM to the manager: both shards stop gracefully and the manager exits 0.
    process.kill(bot.pid, 'SIGTERM');
    expect(await bot.exited).toEqual({ code: 0, signal: null });
    expect(bot.lines.filter((l) => l.includes('"msg":"bot stopped"'))).toHaveLength(2);
  }, 400_000);
});
