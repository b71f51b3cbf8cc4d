import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The soak and the real cluster run on their own: npm run test:soak, npm run test:cluster.
    exclude: ['test/soak/**', 'test/cluster/**', 'node_modules/**'],
    // The route tests serve the built assets and the system tests run the built services.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
