/**
 * All benchmarks, each in its own process so peak RSS is its own: `npm run bench`.
 * Tables print as they finish; JSON lands in bench/results/.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';

const parts: [string, string[]][] = [
  ['ingest.ts', ['--engine', 'use-lite']],
  ['ingest.ts', ['--engine', 'tiny']],
  ['query.ts', []],
];
let failed = 0;
for (const [script, args] of parts) {
  const r = spawnSync(process.execPath, ['--import', 'tsx', join(import.meta.dirname, script), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
process.exitCode = failed ? 1 : 0;
