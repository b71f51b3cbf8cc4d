import { defineConfig } from 'vitest/config';

// npm run test:compose: the images built by a private Docker engine and compose run for real.
export default defineConfig({
  test: {
    include: ['test/compose/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Steps share one compose project, in order.
    sequence: { concurrent: false },
    fileParallelism: false,
  },
});
