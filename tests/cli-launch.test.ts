import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inject } from 'vitest';
import { afterAll, describe, expect, it } from 'vitest';
import { build } from '../cli/build.ts';
import { COMPILED_DIRS, isFresh } from '../cli/source-stamp.mjs';
import { PROJECT_ROOT } from '../retrieval/settings.ts';

// A copy of the CLI's sources, so building, editing and launching never touch the project's own dist/.
const root = mkdtempSync(join(tmpdir(), 'launch-'));
for (const d of COMPILED_DIRS) cpSync(join(PROJECT_ROOT, d), join(root, d), { recursive: true });
cpSync(join(PROJECT_ROOT, 'package.json'), join(root, 'package.json'));
symlinkSync(join(PROJECT_ROOT, 'node_modules'), join(root, 'node_modules'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const env = { ...process.env, EMBEDDING_ENGINE: 'transformers', ALLOW_MODEL_DOWNLOAD: 'false', INDEX_DIR: inject('seedIndexDir'), CORPUS_DIR: join(PROJECT_ROOT, 'data', 'corpus'), MODEL_CACHE_DIR: join(PROJECT_ROOT, '.cache', 'models') };
const launch = (...args: string[]) => spawnSync(process.execPath, [join(root, 'cli', 'launch.mjs'), ...args], { cwd: root, encoding: 'utf8', env });
const viaTsx = (...args: string[]) => spawnSync(process.execPath, ['--import', 'tsx', join(root, 'cli', 'main.ts'), ...args], { cwd: root, encoding: 'utf8', env });

describe('npm run cli (cli/launch.mjs)', () => {
  it('runs the compiled CLI when dist/ was built from these sources, with the same output as the sources', () => {
    build(root);
    expect(isFresh(root, join(root, 'dist'))).toBe(true);
    for (const args of [['help'], ['articles', '--json'], ['ask', '--json', "Who runs Britain's railways?"]]) {
      const compiled = launch(...args);
      const source = viaTsx(...args);
      expect(compiled.status).toBe(0);
      expect(compiled.stdout).toBe(source.stdout);
      expect(compiled.stdout.length).toBeGreaterThan(50);
    }
    // Errors keep their exit codes and messages when compiled.
    const bad = launch('ask', '--since', 'yesterday', 'x');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/since/);
  });

  it('runs the edited sources, never the stale build, after an edit; a rebuild makes dist/ current again', () => {
    build(root);
    const main = join(root, 'cli', 'main.ts');
    writeFileSync(main, readFileSync(main, 'utf8').replace('Usage: npm run --silent cli', 'Usage (edited): npm run --silent cli'));
    expect(isFresh(root, join(root, 'dist'))).toBe(false);
    expect(launch('help').stdout).toMatch(/^Usage \(edited\)/);
    // What dist/ holds is still the old text: the launcher did not run it.
    expect(readFileSync(join(root, 'dist', 'cli', 'main.js'), 'utf8')).not.toMatch(/Usage \(edited\)/);
    build(root);
    expect(isFresh(root, join(root, 'dist'))).toBe(true);
    expect(readFileSync(join(root, 'dist', 'cli', 'main.js'), 'utf8')).toMatch(/Usage \(edited\)/);
    expect(launch('help').stdout).toMatch(/^Usage \(edited\)/);
  });

  it('counts an added or removed source file as a change', () => {
    build(root);
    const extra = join(root, 'retrieval', 'extra.ts');
    writeFileSync(extra, 'export const x = 1;\n');
    expect(isFresh(root, join(root, 'dist'))).toBe(false);
    build(root);
    expect(isFresh(root, join(root, 'dist'))).toBe(true);
    rmSync(extra);
    expect(isFresh(root, join(root, 'dist'))).toBe(false);
    // No build at all: the sources run.
    rmSync(join(root, 'dist'), { recursive: true });
    expect(isFresh(root, join(root, 'dist'))).toBe(false);
    expect(launch('help').status).toBe(0);
  });
});
