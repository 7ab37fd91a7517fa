import cliProgress from 'cli-progress';
import type { Progress } from '../retrieval/ingest.ts';

/** A progress bar on stderr when it is a terminal; otherwise a line every 10%. */
export function progressReporter(label = 'Embedding'): { onProgress: Progress; stop: () => void } {
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | null = null;
    return {
      onProgress(done, total) {
        if (!total) return;
        if (!bar) {
          bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label} [{bar}] {percentage}% | {value}/{total} chunks | ETA {eta_formatted}` }, cliProgress.Presets.shades_classic);
          bar.start(total, done);
        } else bar.update(done);
      },
      stop: () => bar?.stop(),
    };
  }
  let lastDecile = -1;
  return {
    onProgress(done, total) {
      if (!total) return;
      const decile = Math.floor((done / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        process.stderr.write(`${label}: ${done}/${total} chunks\n`);
      }
    },
    stop: () => {},
  };
}
