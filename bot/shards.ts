import { join } from 'node:path';
import { Routes, ShardingManager } from 'discord.js';
import type { Logger } from '../commands/types.ts';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import type { BotConfig } from './config.ts';
import { restFor } from './register.ts';

/** The shards this process runs when the ShardingManager started it; null when it was started on its own. */
export function shardIdsFromEnv(env: NodeJS.ProcessEnv = process.env): number[] | null {
  if (!env.SHARDING_MANAGER || env.SHARDS === undefined) return null;
  const ids = JSON.parse(env.SHARDS) as number | number[];
  return Array.isArray(ids) ? ids : [ids];
}

/** DISCORD_SHARDS as a count: `auto` asks Discord (GET /gateway/bot: about one shard per 1,000 servers). */
export async function shardCount(config: BotConfig): Promise<number> {
  if (typeof config.shards === 'number') return config.shards;
  const data = (await restFor(config).get(Routes.gatewayBot())) as { shards?: number };
  return Math.max(1, Number(data.shards) || 1);
}

/**
 * One process per shard (discord.js ShardingManager), each running bot/main.ts with its shard id
 * in the environment: each opens the index (the embedded one is loaded by every process; Postgres
 * is shared) and answers the interactions of its own guilds, which Discord routes by (guild_id >> 22) % shards.
 * Resolves once every shard is ready; `stop` ends them gracefully (each finishes its answers in flight).
 */
export async function runShards(config: BotConfig, total: number, log: Logger): Promise<{ manager: ShardingManager; stop: () => Promise<number> }> {
  const manager = new ShardingManager(join(PROJECT_ROOT, 'bot', 'main.ts'), {
    token: config.token!,
    totalShards: total,
    mode: 'process',
    // The shard script is TypeScript, run as `npm start` runs the bot.
    execArgv: ['--import', 'tsx'],
    respawn: true,
  });
  manager.on('shardCreate', (shard) => {
    log.info('shard started', { shard: shard.id, of: total });
    shard.on('death', () => {
      if (manager.respawn) log.warn('shard exited; starting it again', { shard: shard.id });
    });
  });
  // Each shard loads the model and the index before it connects; Discord allows one identify per 5 s.
  await manager.spawn({ amount: total, delay: 5500, timeout: -1 });
  log.info('all shards ready', { shards: total });
  const stop = async () => {
    manager.respawn = false;
    const exits = manager.shards.map(
      (shard) =>
        new Promise<number>((resolve) => {
          const child = shard.process;
          if (!child || child.exitCode !== null) return resolve(child?.exitCode ?? 0);
          child.once('exit', (code) => resolve(code ?? 1));
          // SIGTERM: the shard stops taking interactions and finishes those in flight (bot/shutdown.ts).
          child.kill('SIGTERM');
        }),
    );
    const codes = await Promise.all(exits);
    return codes.every((c) => c === 0) ? 0 : 1;
  };
  return { manager, stop };
}
