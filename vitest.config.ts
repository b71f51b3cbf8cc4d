import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The soak, the compose and the real-cluster tests run on their own: npm run test:soak,
    // npm run test:compose, npm run test:cluster.
    exclude: ['test/soak/**', 'test/compose/**', 'test/cluster/**', 'node_modules/**'],
    // The route tests serve the built assets and the system tests run the built services.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
