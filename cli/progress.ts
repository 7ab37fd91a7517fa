import cliProgress from 'cli-progress';
import type { Progress } from '../retrieval/ingest.ts';

const LABELS = { reading: ['Reading', 'files'], chunking: ['Chunking', 'KB'], embedding: ['Embedding', 'chunks'], tagging: ['Tagging', 'articles'], sentences: ['Sentences', 'embedded'], writing: ['Writing', 'chunks'] } as const;

/** A progress bar per phase on stderr when it is a terminal; otherwise a line every 10% of each phase. */
export function progressReporter(): { onProgress: Progress; stop: () => void } {
  if (process.stderr.isTTY) {
    let bar: cliProgress.SingleBar | null = null;
    let shown: string | null = null;
    return {
      onProgress(done, total, phase = 'embedding') {
        if (!total) return;
        if (shown !== phase) {
          bar?.stop();
          const [label, unit] = LABELS[phase];
          bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${label.padEnd(9)} [{bar}] {percentage}% | {value}/{total} ${unit} | ETA {eta_formatted}` }, cliProgress.Presets.shades_classic);
          bar.start(total, done);
          shown = phase;
        } else bar!.update(done);
      },
      stop: () => bar?.stop(),
    };
  }
  let lastDecile = -1;
  let shown: string | null = null;
  return {
    onProgress(done, total, phase = 'embedding') {
      if (!total) return;
      if (shown !== phase) [shown, lastDecile] = [phase, -1];
      const decile = Math.floor((done / total) * 10);
      if (decile !== lastDecile) {
        lastDecile = decile;
        const [label, unit] = LABELS[phase];
        process.stderr.write(`${label}: ${done}/${total} ${unit}\n`);
      }
    },
    stop: () => {},
  };
}
