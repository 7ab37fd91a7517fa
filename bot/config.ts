import { feedbackDbFromEnv } from '../discord/feedback.ts';
import { settingsFromEnv, type EngineSettings } from '../retrieval/settings.ts';

export interface BotConfig {
  token: string | null;
  clientId: string | null;
  guildId: string | null;
  /** discord.js `rest.api`, e.g. http://127.0.0.1:3000/api; null = Discord itself. */
  apiBase: string | null;
  askCooldownMs: number;
  /** Worker threads answering questions; 0 = on the main thread; null = one fewer than the cores (at least 1, at most 4). */
  answerThreads: number | null;
  /** How long a SIGTERM waits for answers in flight before disconnecting anyway. */
  shutdownGraceMs: number;
  engine: EngineSettings;
  /** SQLite file of the Helpful / Not helpful votes (FEEDBACK_DB); unset: kept in memory only. */
  feedbackDb?: string;
  /** ANSWER_MENTIONS=true: "@bot question" in a channel is answered (adds the GuildMessages intent). */
  answerMentions?: boolean;
  /** DISCORD_SHARDS: gateway shards, one process each; `auto` (default) asks Discord how many. */
  shards?: number | 'auto';
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Configuration problems (set them in .env; see .env.example):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

const SNOWFLAKE = /^\d{17,20}$/;

/** Reads and checks every setting at once, so one run reports every problem. */
export function loadBotConfig(env: NodeJS.ProcessEnv = process.env): BotConfig {
  const problems: string[] = [];
  const get = (k: string) => env[k]?.trim() || null;
  const token = get('DISCORD_TOKEN');
  const clientId = get('DISCORD_CLIENT_ID');
  const guildId = get('DISCORD_GUILD_ID');
  const apiBase = get('DISCORD_API_BASE');
  if (token && /\s/.test(token)) problems.push('DISCORD_TOKEN contains spaces; paste the token exactly as the Developer Portal shows it.');
  if (token && !clientId) problems.push('DISCORD_CLIENT_ID is missing: copy the Application ID from the Developer Portal (General Information).');
  if (clientId && !SNOWFLAKE.test(clientId)) problems.push(`DISCORD_CLIENT_ID must be a numeric Application ID (got "${clientId.slice(0, 30)}").`);
  if (guildId && !SNOWFLAKE.test(guildId)) problems.push(`DISCORD_GUILD_ID must be a numeric server ID (got "${guildId.slice(0, 30)}").`);
  if (apiBase && !/^https?:\/\/[^\s/]+(\/\S*)?$/.test(apiBase)) problems.push(`DISCORD_API_BASE must be an http(s) URL such as http://127.0.0.1:3000/api (got "${apiBase.slice(0, 60)}").`);
  const cooldown = Number(env.ASK_COOLDOWN_SECONDS ?? 5);
  if (!Number.isFinite(cooldown) || cooldown < 0) problems.push(`ASK_COOLDOWN_SECONDS must be a number of seconds ≥ 0 (got "${env.ASK_COOLDOWN_SECONDS}").`);
  const threadsRaw = env.ANSWER_THREADS?.trim();
  const answerThreads = threadsRaw ? Number(threadsRaw) : null;
  if (answerThreads !== null && (!Number.isInteger(answerThreads) || answerThreads < 0 || answerThreads > 32)) {
    problems.push(`ANSWER_THREADS must be a whole number from 0 to 32, or empty for automatic (got "${threadsRaw}").`);
  }
  const grace = Number(env.SHUTDOWN_GRACE_SECONDS?.trim() || 10);
  if (!Number.isFinite(grace) || grace < 0) problems.push(`SHUTDOWN_GRACE_SECONDS must be a number of seconds ≥ 0 (got "${env.SHUTDOWN_GRACE_SECONDS}").`);
  const mentions = (env.ANSWER_MENTIONS ?? 'false').trim().toLowerCase();
  if (!['true', 'false', '1', '0', 'yes', 'no', ''].includes(mentions)) problems.push(`ANSWER_MENTIONS must be true or false (got "${env.ANSWER_MENTIONS}").`);
  const shardsRaw = env.DISCORD_SHARDS?.trim().toLowerCase() || 'auto';
  if (shardsRaw !== 'auto' && !/^[1-9]\d{0,4}$/.test(shardsRaw)) problems.push(`DISCORD_SHARDS must be auto or a whole number of shards, 1 or more (got "${shardsRaw.slice(0, 20)}").`);
  let engine: EngineSettings | null = null;
  try {
    engine = settingsFromEnv(env);
  } catch (e) {
    problems.push((e as Error).message);
  }
  if (problems.length) throw new ConfigError(problems);
  return { token, clientId, guildId, apiBase: apiBase?.replace(/\/+$/, '') ?? null, askCooldownMs: cooldown * 1000, answerThreads, shutdownGraceMs: grace * 1000, engine: engine!, feedbackDb: feedbackDbFromEnv(env), answerMentions: ['true', '1', 'yes'].includes(mentions), shards: shardsRaw === 'auto' ? 'auto' : Number(shardsRaw) };
}
