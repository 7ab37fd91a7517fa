import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    globalSetup: ['tests/setup/seed-index.ts'],
    // Real models and a real Discord client run in these tests; the embedder dominates.
    testTimeout: 120_000,
    hookTimeout: 300_000,
    pool: 'forks',
  },
});
