import 'dotenv/config';
import { ConfigError, loadBotConfig } from './config.ts';
import { createLogger } from './log.ts';
import { registerCommands } from './register.ts';

/** `npm run deploy-commands`: registers the slash commands without starting the bot. */
const log = createLogger([process.env.DISCORD_TOKEN]);
try {
  const config = loadBotConfig();
  if (!config.token) throw new ConfigError(['DISCORD_TOKEN is missing: registering commands needs the bot token.']);
  await registerCommands(config, log);
} catch (e) {
  if (e instanceof ConfigError) process.stderr.write(`${e.message}\n`);
  else log.error('command registration failed', { error: e });
  process.exitCode = 1;
}
