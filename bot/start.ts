import { Client, Events, GatewayIntentBits } from 'discord.js';
import { AnswerCache } from '../commands/answer-cache.ts';
import { Cooldown } from '../commands/cooldown.ts';
import type { CommandContext, Logger } from '../commands/types.ts';
import { NO_MENTIONS } from '../commands/types.ts';
import type { Engine } from '../retrieval/engine.ts';
import type { BotConfig } from './config.ts';
import { registerCommands } from './register.ts';
import { handleInteraction } from './router.ts';

export interface RunningBot {
  client: Client;
  /** Resolves once in-flight interactions have finished and the gateway is closed. */
  stop(): Promise<void>;
}

/** Registers commands, logs in and serves interactions until stopped. Needs a built index. */
export async function startBot(config: BotConfig, engine: Engine, log: Logger): Promise<RunningBot> {
  if (!config.token) throw new Error('startBot needs DISCORD_TOKEN');
  await registerCommands(config, log);
  const client = new Client({
    // Slash commands need no privileged intents; Guilds is enough to receive interactions.
    intents: [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    ...(config.apiBase ? { rest: { api: config.apiBase } } : {}),
  });
  const ctx: CommandContext = { engine, log, answers: new AnswerCache(), cooldown: new Cooldown(config.askCooldownMs) };
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  client.on(Events.InteractionCreate, (i) => {
    if (stopping) return;
    const p = handleInteraction(i, ctx).finally(() => inFlight.delete(p));
    inFlight.add(p);
  });
  client.on(Events.Error, (e) => log.error('discord client error', { error: e }));
  client.on(Events.Warn, (m) => log.warn('discord client warning', { message: m }));
  client.on(Events.ShardDisconnect, (ev, shard) => log.warn('gateway disconnected', { shard, code: ev.code }));

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  await client.login(config.token);
  await ready;
  log.info('bot ready', { user: client.user?.tag, guilds: client.guilds.cache.size, articles: engine.articles().length });

  return {
    client,
    async stop() {
      stopping = true;
      await Promise.allSettled([...inFlight]);
      await client.destroy();
      log.info('bot stopped');
    },
  };
}
