import { REST, Routes } from 'discord.js';
import { commandDefinitions } from '../commands/index.ts';
import type { Logger } from '../commands/types.ts';
import type { BotConfig } from './config.ts';

export function restFor(config: BotConfig): REST {
  return new REST(config.apiBase ? { api: config.apiBase } : {}).setToken(config.token!);
}

/** Registers the slash commands: in one server when DISCORD_GUILD_ID is set (instant), else globally. */
export async function registerCommands(config: BotConfig, log: Logger, rest = restFor(config)): Promise<void> {
  const body = commandDefinitions();
  const route = config.guildId ? Routes.applicationGuildCommands(config.clientId!, config.guildId) : Routes.applicationCommands(config.clientId!);
  await rest.put(route, { body });
  log.info('slash commands registered', { count: body.length, scope: config.guildId ? `guild ${config.guildId}` : 'global (may take up to an hour to appear)' });
}
