/**
 * CLI start-up, the old way against the new, in alternating runs of the same commands on the same
 * warm index: `npm run bench:startup [-- --runs 7] [--baseline-ref <git ref>] [--question "…"]`.
 *
 * Old: the code of `--baseline-ref` (default 982ce90, the commit before issue #10's start-up work),
 * extracted with `git archive` into a temporary folder that shares this tree's node_modules, and
 * started as its package.json says (`npm run --silent cli` → `node --import tsx cli/main.ts`; a
 * baseline that has cli/build.ts, such as the first round's end, is compiled first and runs dist/).
 * New: this tree through `npm run --silent cli` (cli/launch.mjs → dist/ when current), and the same
 * without npm (`node cli/launch.mjs`) to show npm's own share. Both read this tree's index, model
 * and corpus (an index of this version holds tags.json, which older code ignores), so the
 * difference is the code. Medians of wall time per process, and new ÷ old from the same run.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { isFresh } from '../cli/source-stamp.mjs';
import { PROJECT_ROOT, settingsFromEnv } from '../retrieval/settings.ts';
import { report } from './report.ts';

const { values } = parseArgs({
  options: {
    runs: { type: 'string', default: '7' },
    'baseline-ref': { type: 'string', default: '982ce90' },
    question: { type: 'string', default: "Who runs Britain's railways?" },
  },
});
const runs = Number(values.runs);
if (!Number.isInteger(runs) || runs < 1) throw new Error('--runs must be a whole number of at least 1');

const settings = settingsFromEnv();
// Every side reads the same model and corpus, whatever its own folder is; the baseline its own index
// (an index format may have changed since, and each side rebuilds an index it cannot read).
const env = { ...process.env, INDEX_DIR: settings.indexDir, CORPUS_DIR: settings.corpusDir, MODEL_CACHE_DIR: settings.embedder.cacheDir ?? '' };

function run(cwd: string, cmd: string, args: string[], indexDir = env.INDEX_DIR): { ms: number; out: string } {
  const t = performance.now();
  const r = spawnSync(cmd, args, { cwd, env: { ...env, INDEX_DIR: indexDir }, encoding: 'utf8' });
  const ms = performance.now() - t;
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} in ${cwd} exited ${r.status}: ${r.stderr.slice(0, 500)}`);
  return { ms, out: r.stdout };
}

// The baseline's sources, as they were at the ref.
const base = mkdtempSync(join(tmpdir(), 'startup-baseline-'));
process.on('exit', () => rmSync(base, { recursive: true, force: true }));
execFileSync('sh', ['-c', `git -C "${PROJECT_ROOT}" archive "${values['baseline-ref']}" | tar -x -C "${base}"`]);
symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(base, 'node_modules'));
// A baseline with the compiled launcher (cli/build.ts) runs compiled, as `npm ci` would have left it.
if (existsSync(join(base, 'cli', 'build.ts'))) run(base, process.execPath, ['--import', 'tsx', 'cli/build.ts']);

if (!isFresh(PROJECT_ROOT, join(PROJECT_ROOT, 'dist'))) {
  console.log('dist/ is not current: building it (npm run build) so the new way runs compiled.');
  run(PROJECT_ROOT, 'npm', ['run', '--silent', 'build']);
}
// Warm indexes: built (or confirmed current) before anything is timed.
const baseIndex = join(base, '.index');
run(PROJECT_ROOT, process.execPath, ['cli/launch.mjs', 'ingest']);
run(base, 'npm', ['run', '--silent', 'cli', '--', 'ingest'], baseIndex);

const npm = (cwd: string, args: string[], indexDir?: string) => run(cwd, 'npm', ['run', '--silent', 'cli', '--', ...args], indexDir);
const sides = {
  old: (args: string[]) => npm(base, args, baseIndex),
  new: (args: string[]) => npm(PROJECT_ROOT, args),
  'new without npm': (args: string[]) => run(PROJECT_ROOT, process.execPath, ['cli/launch.mjs', ...args]),
};
type Side = keyof typeof sides;
const commands: Record<string, string[]> = { help: ['help'], ask: ['ask', values.question] };

const times: Record<string, Record<Side, number[]>> = {};
let differ = 0;
for (let i = 0; i < runs; i++) {
  for (const [name, args] of Object.entries(commands)) {
    const t = (times[name] ??= { old: [], new: [], 'new without npm': [] });
    // Alternating, and in the other order every second round, so drift in the machine's load falls on both.
    const order: Side[] = i % 2 ? ['new without npm', 'new', 'old'] : ['old', 'new', 'new without npm'];
    const outs: Partial<Record<Side, string>> = {};
    for (const side of order) {
      const r = sides[side](args);
      t[side].push(r.ms);
      outs[side] = r.out;
    }
    if (outs.old !== outs.new || outs.new !== outs['new without npm']) differ++;
  }
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};
const rows = Object.entries(times).flatMap(([name, t]) =>
  (Object.keys(t) as Side[]).map((side) => ({
    command: name,
    way: side,
    'median s': Number((median(t[side]) / 1000).toFixed(2)),
    'min s': Number((Math.min(...t[side]) / 1000).toFixed(2)),
    'max s': Number((Math.max(...t[side]) / 1000).toFixed(2)),
    '÷ old': Number((median(t[side]) / median(t.old)).toFixed(2)),
  })),
);
report('startup', `CLI start-up, ${runs} alternating runs each (old = ${values['baseline-ref']}), warm index`, rows, { runs, baselineRef: values['baseline-ref'], question: values.question, outputsDiffer: differ, raw: times });
if (differ) console.log(`\nNote: the old and new outputs differed in ${differ} of ${runs * Object.keys(commands).length} rounds (the help text changed, or answers did).`);
