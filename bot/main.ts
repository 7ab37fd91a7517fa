import 'dotenv/config';
import { runChat } from '../cli/chat.ts';
import { openEngine } from '../cli/open-engine.ts';
import { UserError } from '../retrieval/errors.ts';
import type { Logger } from '../commands/types.ts';
import { ConfigError, loadBotConfig } from './config.ts';
import { createLogger } from './log.ts';
import { exitOnSignals } from './shutdown.ts';
import { runShards, shardCount, shardIdsFromEnv } from './shards.ts';
import { startBot, type RunningBot } from './start.ts';

const NO_TOKEN = `No DISCORD_TOKEN is set, so the bot cannot log in to Discord.

To run it on Discord:
  1. https://discord.com/developers/applications → New Application → Bot → Reset Token; copy it.
  2. cp .env.example .env, then set DISCORD_TOKEN and DISCORD_CLIENT_ID (General Information → Application ID).
  3. Invite it with the "bot" and "applications.commands" scopes, then run npm start again.
     (README: "Running the Discord bot".)

Meanwhile, here is the same bot in your terminal (also: npm run --silent cli -- chat).
`;

const shardIds = shardIdsFromEnv();
const base = createLogger([process.env.DISCORD_TOKEN]);
// A shard's lines say which shard wrote them: every shard writes to the manager's stderr.
const log: Logger = shardIds ? { info: (m, f) => base.info(m, { shard: shardIds, ...f }), warn: (m, f) => base.warn(m, { shard: shardIds, ...f }), error: (m, f) => base.error(m, { shard: shardIds, ...f }) } : base;

async function main(): Promise<void> {
  const config = loadBotConfig();
  const engineLog = (level: 'info' | 'warn' | 'error', msg: string) => log[level](msg);
  if (!config.token) {
    process.stderr.write(NO_TOKEN);
    await runChat(await openEngine(config.engine));
    return;
  }
  // Started on its own: as many processes as shards (one shard: this process is the bot). Started by the manager: one shard.
  if (!shardIds) {
    const total = await shardCount(config);
    if (total > 1) {
      // No engine here: the manager only supervises. Shards start one after another, each once the one
      // before is ready, so shard 0 builds (or repairs) a missing index before the others open it.
      const { stop } = await runShards(config, total, log);
      exitOnSignals(stop, log);
      return;
    }
  }
  const engine = await openEngine(config.engine, engineLog);
  let bot: RunningBot | null = null;
  let fatal: string | null = null;
  const stop = async (): Promise<number> => {
    await bot?.stop(config.shutdownGraceMs);
    const status = fatal ? 1 : 0;
    log.info('exiting', { status });
    return status;
  };
  exitOnSignals(stop, log);
  bot = await startBot(config, engine, log, {
    onFatal: (_code, message) => {
      // A supervisor restarts on failure only when the exit status says so.
      fatal = message;
      stop().then((code) => process.exit(code), () => process.exit(1));
    },
  });
}

process.on('unhandledRejection', (e) => log.error('unhandled rejection', { error: e }));

main().catch((e: unknown) => {
  if (e instanceof ConfigError || e instanceof UserError) {
    // Something the user can fix: exit code 2, as the README says.
    process.stderr.write(`${e.message}\n`);
    process.exitCode = 2;
    return;
  } else if ((e as { code?: string }).code === 'TokenInvalid' || /401|invalid token/i.test((e as Error).message)) {
    log.error('Discord rejected DISCORD_TOKEN. Reset the token in the Developer Portal (Bot → Reset Token) and update .env.');
  } else {
    log.error('could not start the bot', { error: e });
  }
  process.exitCode = 1;
});
