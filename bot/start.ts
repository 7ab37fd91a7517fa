import { Client, Events, GatewayCloseCodes, GatewayIntentBits, MessageFlags } from 'discord.js';
import { AnswerCache } from '../discord/answer-cache.ts';
import { Cooldown } from '../discord/cooldown.ts';
import { FeedbackStore } from '../discord/feedback.ts';
import type { AnswerWork, CommandContext, Logger } from '../commands/types.ts';
import { NO_MENTIONS } from '../commands/types.ts';
import type { Engine } from '../retrieval/engine.ts';
import { AnswerPool, type PoolOptions } from './answer-pool.ts';
import type { BotConfig } from './config.ts';
import { registerCommands } from './register.ts';
import { handleMention } from './mentions.ts';
import { shardIdsFromEnv } from './shards.ts';
import { handleInteraction } from './router.ts';

export interface RunningBot {
  client: Client;
  /**
   * Stops taking interactions, waits up to `graceMs` for those in flight (delivery retries give up
   * after that), then closes the gateway and the worker threads. Resolves with how many were cut short.
   */
  stop(graceMs?: number): Promise<{ unfinished: number }>;
}

export interface StartOptions {
  /**
   * Where questions are answered. Default: a worker-thread pool that opens the index from
   * `engine.settings` (pass the engine itself when it was opened with an embedder of its own).
   */
  work?: AnswerWork;
  pool?: PoolOptions;
  /** The gateway closed for good (token reset, bad intents…): restarting as is will not help. */
  onFatal?: (code: number, message: string) => void;
}

/** Gateway close codes after which discord.js gives up, and what the operator should do. */
const FATAL_CLOSES: Record<number, string> = {
  [GatewayCloseCodes.AuthenticationFailed]: 'Discord rejected the token (4004): it was reset or revoked. Reset it in the Developer Portal (Bot → Reset Token) and update DISCORD_TOKEN.',
  [GatewayCloseCodes.InvalidShard]: 'Discord closed the gateway: invalid shard (4010).',
  [GatewayCloseCodes.ShardingRequired]: 'Discord closed the gateway: sharding is required (4011); the bot is in too many servers for one connection.',
  [GatewayCloseCodes.InvalidAPIVersion]: 'Discord closed the gateway: invalid API version (4012); update discord.js.',
  [GatewayCloseCodes.InvalidIntents]: 'Discord closed the gateway: invalid intents (4013).',
  [GatewayCloseCodes.DisallowedIntents]: 'Discord closed the gateway: disallowed intents (4014); enable them in the Developer Portal or remove them.',
};

const RESTARTING = 'The bot is restarting; please try again in a minute.';

/** Registers commands, logs in and serves interactions until stopped. Needs a built index. */
export async function startBot(config: BotConfig, engine: Engine, log: Logger, opts: StartOptions = {}): Promise<RunningBot> {
  if (!config.token) throw new Error('startBot needs DISCORD_TOKEN');
  const inProcess = opts.work ?? (config.answerThreads === 0 ? engine : null);
  const pool = inProcess ? null : new AnswerPool(engine.settings, { threads: config.answerThreads ?? undefined, ...opts.pool });
  try {
    // Every thread loads the model and answers one question before the first interaction can arrive.
    await pool?.warm();
    // On the main thread too: the first asker should not pay for compiling the scoring code.
    if (!opts.work && !pool && engine.ready) await engine.ask('What happened and when?', { limit: 3 });
    // Commands belong to the application, not to a shard: the shard with id 0 registers them.
    if (shardIdsFromEnv()?.includes(0) ?? true) await registerCommands(config, log);
  } catch (e) {
    await pool?.destroy();
    throw e;
  }
  const client = new Client({
    // Slash commands need no privileged intents; Guilds is enough to receive interactions. Mentions need
    // GuildMessages (not privileged): a message that mentions the bot carries its text without MessageContent.
    intents: config.answerMentions ? [GatewayIntentBits.Guilds, GatewayIntentBits.GuildMessages] : [GatewayIntentBits.Guilds],
    allowedMentions: NO_MENTIONS,
    ...(config.apiBase ? { rest: { api: config.apiBase } } : {}),
  });
  const stopped = new AbortController();
  // Without a path (a config built by hand), votes last as long as the process.
  const feedback = new FeedbackStore(config.feedbackDb ?? ':memory:');
  const ctx: CommandContext = { engine, work: inProcess ?? pool!, log, answers: new AnswerCache(), cooldown: new Cooldown(config.askCooldownMs), feedback, signal: stopped.signal };
  const inFlight = new Set<Promise<void>>();
  let stopping = false;

  client.on(Events.InteractionCreate, (i) => {
    let p: Promise<void>;
    if (!stopping) p = handleInteraction(i, ctx);
    else if (i.isRepliable()) p = i.reply({ content: RESTARTING, flags: MessageFlags.Ephemeral, allowedMentions: NO_MENTIONS }).then(() => {}, () => {});
    else if (i.isAutocomplete()) p = i.respond([]).catch(() => {});
    else return;
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  });
  if (config.answerMentions) {
    client.on(Events.MessageCreate, (m) => {
      if (stopping) return;
      const p = handleMention(m, ctx);
      inFlight.add(p);
      void p.finally(() => inFlight.delete(p));
    });
  }
  client.on(Events.Error, (e) => log.error('discord client error', { error: e }));
  client.on(Events.Warn, (m) => log.warn('discord client warning', { message: m }));
  // discord.js emits this only for closes it will not recover from; the others reconnect by themselves.
  client.on(Events.ShardDisconnect, (ev, shard) => {
    const message = FATAL_CLOSES[ev.code] ?? `Discord closed the gateway with code ${ev.code} and the bot cannot reconnect.`;
    log.error('gateway closed for good', { shard, code: ev.code, reason: message });
    opts.onFatal?.(ev.code, message);
  });

  const ready = new Promise<void>((resolve) => client.once(Events.ClientReady, () => resolve()));
  try {
    await client.login(config.token);
    await ready;
  } catch (e) {
    await pool?.destroy();
    feedback.close();
    throw e;
  }
  log.info('bot ready', { user: client.user?.tag, guilds: client.guilds.cache.size, articles: engine.articles().length, threads: pool?.threads ?? 0, pid: process.pid });

  let stopped$: Promise<{ unfinished: number }> | null = null;
  return {
    client,
    stop(graceMs = 10_000) {
      stopped$ ??= (async () => {
        stopping = true;
        const deadline = Date.now() + graceMs;
        // Interactions that arrive meanwhile only get the "restarting" reply, and are waited for too.
        while (inFlight.size && Date.now() < deadline) {
          await Promise.race([Promise.allSettled([...inFlight]), new Promise((r) => setTimeout(r, deadline - Date.now()).unref())]);
        }
        const unfinished = inFlight.size;
        if (unfinished) log.warn('stopping with interactions unfinished', { unfinished, graceMs });
        stopped.abort();
        await client.destroy();
        await pool?.destroy();
        feedback.close();
        log.info('bot stopped', { unfinished });
        return { unfinished };
      })();
      return stopped$;
    },
  };
}
