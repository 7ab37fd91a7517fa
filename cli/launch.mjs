// `npm run cli`: the compiled CLI in dist/ when it was built from exactly the sources in the tree
// (npm install / npm ci build it), else the sources themselves through tsx, so an edit is never
// answered by stale JavaScript. Compiled, a start skips tsx's loader (about 0.5 s of every start).
import { join } from 'node:path';
import { isFresh } from './source-stamp.mjs';

const root = join(import.meta.dirname, '..');
if (isFresh(root, join(root, 'dist'))) {
  await import('../dist/cli/main.js');
} else {
  const { register } = await import('tsx/esm/api');
  register();
  await import('./main.ts');
}
