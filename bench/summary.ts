/**
 * The retrieval figures of one `npm run bench`, side by side: our retrieval p50/p95 at 20k, 100k and
 * 1M chunks, recall@10 of the graph against the exact scan, and the peers' ratios, read from the
 * results the dense-search parts just wrote (bench/results/ann.json, ann-1000000.json).
 * Alone: `tsx bench/summary.ts`.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RESULTS_DIR } from './report.ts';

type Row = Record<string, string | number>;

export function retrievalSummary(files = ['ann.json', 'ann-1000000.json']): void {
  const rows: Row[] = [];
  for (const f of files) {
    const path = join(RESULTS_DIR, f);
    if (!existsSync(path)) {
      console.log(`(no ${f}: that part did not finish)`);
      continue;
    }
    const { at, rows: rs } = JSON.parse(readFileSync(path, 'utf8')) as { at: string; rows: Row[] };
    for (const r of rs) {
      rows.push({
        chunks: r.chunks!,
        'retrieval p50 ms': r['retrieval p50 ms (graph)']!,
        'p95 ms': r['retrieval p95 ms (graph)']!,
        'recall@10': r['recall@10']!,
        'vectra ÷ graph': r['vectra ÷ graph'] ?? '–',
        'orama ÷ our retrieval': r['orama ÷ our retrieval'] ?? '–',
        'BM25 exhaustive ÷ pruned': r['BM25 exhaustive ÷ pruned p50'] ?? '–',
        at,
      });
    }
  }
  if (!rows.length) return;
  const cols = Object.keys(rows[0]!);
  const cell = (v: unknown) => (typeof v === 'number' ? (Number.isInteger(v) ? String(v) : v.toFixed(2)) : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  console.log('\nRetrieval at 20k, 100k and 1M chunks (graph side; peers measured in the same runs)');
  console.log(cols.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  for (const r of rows) console.log(cols.map((c, i) => cell(r[c]).padEnd(widths[i]!)).join('  '));
}

if (import.meta.filename === process.argv[1]) retrievalSummary();
