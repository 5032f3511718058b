import { defineConfig } from 'vitest/config';

// Generous limits: the suite must pass on a busy 2-core machine, where a fresh PGlite takes
// 3-6 s to start and a real server or Slurm several times that. Speed is measured by bench/,
// never by these limits.
export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 180_000,
    pool: 'forks',
  },
});
