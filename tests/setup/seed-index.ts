import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { Engine } from '../../retrieval/engine.ts';
import { seedSettings } from '../helpers/seed.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    seedIndexDir: string;
  }
}

/** Builds the seed-corpus index once with the bundled embedder; test files open it read-only. */
export default async function setup(project: TestProject) {
  const dir = mkdtempSync(join(tmpdir(), 'seed-index-'));
  const engine = await Engine.open(seedSettings(dir));
  await engine.ensureIndex();
  project.provide('seedIndexDir', dir);
  return () => rmSync(dir, { recursive: true, force: true });
}
