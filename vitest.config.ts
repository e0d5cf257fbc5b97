import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // Many files start real process collectives (up to 16 processes): on a 2-core machine they run one file at
    // a time, so one file's load cannot starve another's timing.
    fileParallelism: false,
    maxWorkers: 1,
  },
});
