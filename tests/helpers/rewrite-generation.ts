import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const sha256 = (bytes: string | Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** Edits the manifest of generation `gen` and fixes CURRENT's hash of it, as a writer of that manifest would have left it. */
export function rewriteManifest(dir: string, gen: string, edit: (manifest: Record<string, any>) => void): void {
  const manifest = JSON.parse(readFileSync(join(dir, gen, 'manifest.json'), 'utf8'));
  edit(manifest);
  const bytes = JSON.stringify(manifest);
  writeFileSync(join(dir, gen, 'manifest.json'), bytes);
  const pointer = JSON.parse(readFileSync(join(dir, 'CURRENT'), 'utf8'));
  pointer.manifest = sha256(bytes);
  writeFileSync(join(dir, 'CURRENT'), JSON.stringify(pointer));
}

/** Replaces a file of generation `gen` and fixes every checksum over it, as a buggy writer would leave it. */
export function rewrite(dir: string, gen: string, file: string, bytes: string | Uint8Array): void {
  writeFileSync(join(dir, gen, file), bytes);
  rewriteManifest(dir, gen, (m) => {
    m.files[file] = sha256(bytes);
  });
}
