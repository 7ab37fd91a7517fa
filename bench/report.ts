import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PROJECT_ROOT } from '../retrieval/settings.ts';

export const RESULTS_DIR = join(PROJECT_ROOT, 'bench', 'results');

/** Peak resident set size of this process so far, in MiB. */
export const peakRssMiB = () => Math.round(process.resourceUsage().maxRSS / 1024);
export const rssMiB = () => Math.round(process.memoryUsage().rss / 1024 / 1024);

export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

export async function timed<T>(fn: () => Promise<T> | T): Promise<[T, number]> {
  const t = performance.now();
  const out = await fn();
  return [out, performance.now() - t];
}

/** Prints a table and writes the rows as JSON to bench/results/<name>.json. */
export function report(name: string, title: string, rows: Record<string, string | number | boolean | null>[], meta: Record<string, unknown> = {}): void {
  console.log(`\n${title}`);
  if (rows.length) {
    const cols = Object.keys(rows[0]!);
    const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
    const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
    console.log(cols.map((c, i) => c.padEnd(widths[i]!)).join('  '));
    for (const r of rows) console.log(cols.map((c, i) => cell(r[c]).padEnd(widths[i]!)).join('  '));
  }
  mkdirSync(RESULTS_DIR, { recursive: true });
  writeFileSync(join(RESULTS_DIR, `${name}.json`), JSON.stringify({ name, at: new Date().toISOString(), node: process.version, ...meta, rows }, null, 2));
}
