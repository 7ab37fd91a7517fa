/**
 * All benchmarks, each in its own process so peak RSS is its own: `npm run bench`.
 * Tables print as they finish; JSON lands in bench/results/; the last table puts the retrieval
 * figures of 20k, 100k and 1M chunks side by side (bench/summary.ts). 50–75 minutes on 2 cores (the
 * 1M-chunk part alone 20–30), plus
 * ~18 minutes the first time to embed the real-vector query corpus (cached in .cache/vectors/).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { retrievalSummary } from './summary.ts';

const parts: [string, string[]][] = [
  ['models.ts', []],
  ['ingest.ts', ['--engine', 'minilm']],
  ['ingest.ts', ['--engine', 'use-lite']],
  ['ingest.ts', ['--engine', 'tiny']],
  ['query.ts', []],
  // 20k and 100k, with Orama's hybrid search as the second peer (its insert takes about 20 s at 100k).
  ['ann.ts', ['--orama']],
  // 1M chunks: vectra's peer is left out (its number[] copy of every vector needs a heap of several GB).
  ['ann.ts', ['--sizes', '1000000', '--queries', '50', '--skip-vectra']],
  ['store.ts', []],
  ['discord.ts', []],
  ['startup.ts', []],
];
let failed = 0;
for (const [script, args] of parts) {
  const r = spawnSync(process.execPath, ['--max-old-space-size=16000', '--import', 'tsx', join(import.meta.dirname, script), ...args], { stdio: 'inherit' });
  if (r.status !== 0) failed++;
}
retrievalSummary();
process.exitCode = failed ? 1 : 0;
