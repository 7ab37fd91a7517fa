// Plain JavaScript: the launcher runs this before anything is compiled or any TypeScript loader is registered.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/** The folders compiled into dist/: everything the CLI imports. */
export const COMPILED_DIRS = ['cli', 'retrieval', 'embeddings', 'discord'];
export const STAMP_FILE = '.sources-sha256';

/** SHA-256 over the path and content of every .ts file in `dirs` under `root`: changes with any edit, added or removed file. */
export function sourceStamp(root, dirs = COMPILED_DIRS) {
  const files = dirs
    .flatMap((d) => readdirSync(join(root, d), { recursive: true, withFileTypes: true }).filter((e) => e.isFile() && e.name.endsWith('.ts')).map((e) => join(e.parentPath ?? e.path, e.name)))
    .map((f) => relative(root, f).split('\\').join('/'))
    .sort();
  const h = createHash('sha256');
  for (const f of files) h.update(f).update('\0').update(readFileSync(join(root, f))).update('\0');
  return h.digest('hex');
}

/** Whether `distDir` holds a build of exactly the sources now under `root`. */
export function isFresh(root, distDir) {
  let built;
  try {
    built = readFileSync(join(distDir, STAMP_FILE), 'utf8').trim();
  } catch {
    return false;
  }
  return built === sourceStamp(root);
}
