/**
 * Discord delivery under a burst: the bot runs as `node --import tsx bot/main.ts` (what `npm start`
 * runs) against the fake Discord of the tests, and `--n` /ask from as many users arrive within
 * `--over` ms, right after "bot ready" (cold) and again once those are answered (warm).
 * Figures: acknowledgement (deferral) latency p50/p95/max and how many exceed Discord's 3 s,
 * answers delivered, apologies, "busy" replies, time until the last answer.
 * Each mode is a fresh process; the baseline answers on the main thread (ANSWER_THREADS=0), as the
 * bot did before the worker pool.
 * Usage: npm run bench:discord [-- --n 200] [--over 1000] [--modes pool,main-thread]
 */
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import { startBotProcess } from '../tests/fake-discord/bot-process.ts';
import { askBurst, percentile, type BurstResult } from '../tests/fake-discord/burst.ts';
import { FakeDiscord } from '../tests/fake-discord/server.ts';
import { report } from './report.ts';

const { values: args } = parseArgs({
  options: {
    n: { type: 'string', default: '200' },
    over: { type: 'string', default: '1000' },
    modes: { type: 'string', default: 'pool,main-thread' },
  },
});
const n = Number(args.n);
const over = Number(args.over);
const MODES: Record<string, Record<string, string>> = { pool: {}, 'main-thread': { ANSWER_THREADS: '0' } };

// The bundled corpus; its index is built by the first run and kept for the next.
const env = { CORPUS_DIR: join(PROJECT_ROOT, 'data', 'corpus'), INDEX_DIR: join(tmpdir(), 'news-quote-bot-bench-discord-index') };

/** Resident memory of the bot process, threads included (Linux). */
function rssMiB(pid: number): string {
  try {
    const kb = Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
    return String(Math.round(kb / 1024));
  } catch {
    return '-';
  }
}

const rows: Record<string, string | number>[] = [];
const row = (mode: string, burst: string, r: BurstResult, rss: string) => {
  const ack = (p: number) => Number((percentile(r.ackMs, p) / 1000).toFixed(2));
  rows.push({
    mode,
    burst,
    acked: `${r.ackMs.length}/${r.sent}`,
    'ack p50 s': ack(50),
    'p95 s': ack(95),
    'max s': ack(100),
    'acks > 3 s': r.ackMs.filter((ms) => ms > 3000).length,
    answered: `${r.answered}/${r.sent}`,
    sorry: r.sorry,
    busy: r.busy,
    'last answer s': Number((r.doneMs / 1000).toFixed(1)),
    'rss MiB': rss,
  });
};

for (const mode of args.modes.split(',')) {
  if (!MODES[mode]) throw new Error(`unknown mode ${mode}; use ${Object.keys(MODES).join(', ')}`);
  const fake = new FakeDiscord();
  await fake.start();
  const bot = startBotProcess(process.execPath, ['--import', 'tsx', 'bot/main.ts'], fake, { ...env, ...MODES[mode] });
  const t0 = Date.now();
  while (!bot.lines.some((l) => l.includes('"msg":"bot ready"'))) {
    if (await Promise.race([bot.exited.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))])) {
      throw new Error(`the bot exited before it was ready:\n${bot.lines.slice(-20).join('\n')}`);
    }
  }
  process.stderr.write(`${mode}: ready in ${((Date.now() - t0) / 1000).toFixed(1)} s; cold burst…\n`);
  const cold = await askBurst(fake, n, over, 300_000, 900000000000000000n);
  row(mode, 'cold', cold, rssMiB(bot.pid));
  process.stderr.write(`${mode}: warm burst…\n`);
  const warm = await askBurst(fake, n, over, 300_000, 910000000000000000n);
  row(mode, 'warm', warm, rssMiB(bot.pid));
  process.kill(bot.pid, 'SIGTERM');
  await bot.closed;
  await fake.stop();
}

report('discord', `${n} /ask from ${n} users within ${over} ms; the bot is its own process (${process.platform}, ${process.version})`, rows, { n, overMs: over });
