import { spawn } from 'node:child_process';
import { PROJECT_ROOT } from '../../retrieval/settings.ts';
import { APP_ID, GUILD_ID, type FakeDiscord } from './server.ts';

export const PROCESS_TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.fake.process-token';

export interface BotProcess {
  pid: number;
  /** Its log lines (stderr), as they come. */
  lines: string[];
  /** The launcher exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process writing to its output is gone: the bot too, when a launcher (npm) started it. */
  closed: Promise<void>;
}

/**
 * Starts the bot as an operator does (`command` is npm or node), in a process group of its own,
 * against the fake Discord. `env` adds to or overrides the settings given here.
 */
export function startBotProcess(command: string, args: string[], fake: FakeDiscord, env: Record<string, string>): BotProcess {
  const childEnv: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) if (!/^(DISCORD_|VITEST|ASK_|ANSWER_|INDEX_|CORPUS_|EMBEDDING_)/.test(k)) childEnv[k] = v;
  Object.assign(childEnv, {
    DISCORD_TOKEN: PROCESS_TOKEN,
    DISCORD_CLIENT_ID: APP_ID,
    DISCORD_GUILD_ID: GUILD_ID,
    DISCORD_API_BASE: fake.apiBase,
    EMBEDDING_ENGINE: 'transformers',
    ALLOW_MODEL_DOWNLOAD: 'false',
    ASK_COOLDOWN_SECONDS: '0',
    ...env,
  });
  const child = spawn(command, args, { cwd: PROJECT_ROOT, env: childEnv, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let partial = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop()!;
    lines.push(...parts);
  });
  child.stdout.resume();
  return {
    pid: child.pid!,
    lines,
    exited: new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal }))),
    closed: new Promise((resolve) => child.on('close', () => resolve())),
  };
}
