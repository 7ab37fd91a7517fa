/**
 * `npm run build` (and `prepare`, so `npm install` / `npm ci` run it): transpiles the CLI's
 * sources to dist/ for `npm run cli`. Types are checked by `tsc -p .` (npm test), not here: this
 * is a per-file transform that takes a second. The stamp is written last, into a fresh folder
 * renamed over dist/, so a build stopped half way is never taken for a complete one.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import ts from 'typescript';
import { PROJECT_ROOT } from '../retrieval/settings.ts';
import { COMPILED_DIRS, sourceStamp, STAMP_FILE } from './source-stamp.mjs';

const options: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2023,
  module: ts.ModuleKind.ESNext,
  // `import … from './x.ts'` becomes './x.js'.
  rewriteRelativeImportExtensions: true,
  esModuleInterop: true,
  sourceMap: false,
};

export function build(root = PROJECT_ROOT, out = join(root, 'dist')): number {
  const stamp = sourceStamp(root);
  const tmp = `${out}.tmp-${process.pid}`;
  rmSync(tmp, { recursive: true, force: true });
  let n = 0;
  for (const dir of COMPILED_DIRS) {
    for (const rel of readdirSync(join(root, dir), { recursive: true }) as string[]) {
      if (!rel.endsWith('.ts') || rel.endsWith('.d.ts')) continue;
      const src = join(dir, rel);
      const { outputText, diagnostics } = ts.transpileModule(readFileSync(join(root, src), 'utf8'), { compilerOptions: options, fileName: src, reportDiagnostics: true });
      if (diagnostics?.length) throw new Error(`${src}: ${ts.flattenDiagnosticMessageText(diagnostics[0]!.messageText, '\n')}`);
      const dest = join(tmp, src.replace(/\.ts$/, '.js'));
      mkdirSync(dirname(dest), { recursive: true });
      writeFileSync(dest, outputText);
      n++;
    }
    // The launcher's own plain-JavaScript helpers are imported as they are.
    for (const rel of readdirSync(join(root, dir), { recursive: true }) as string[]) {
      if (!rel.endsWith('.mjs')) continue;
      mkdirSync(dirname(join(tmp, dir, rel)), { recursive: true });
      writeFileSync(join(tmp, dir, rel), readFileSync(join(root, dir, rel)));
    }
  }
  writeFileSync(join(tmp, STAMP_FILE), `${stamp}\n`);
  rmSync(out, { recursive: true, force: true });
  renameSync(tmp, out);
  return n;
}

if (import.meta.filename === process.argv[1]) {
  const started = performance.now();
  const n = build();
  process.stderr.write(`build: ${n} files to dist/ in ${((performance.now() - started) / 1000).toFixed(1)} s\n`);
}
