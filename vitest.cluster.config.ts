import { defineConfig } from 'vitest/config';

// The real-cluster test (npm run test:cluster): one file, run on its own after `npm test`.
export default defineConfig({
  test: {
    include: ['test/cluster/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 600_000,
    hookTimeout: 1_800_000,
    // The steps build on each other: one file, in order, no retries hiding a flaky rollout.
    fileParallelism: false,
  },
});
