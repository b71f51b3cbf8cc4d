import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The soak runs on its own: npm run test:soak.
    exclude: ['test/soak/**', 'node_modules/**'],
    // The route tests serve the built assets and the system tests run the built services.
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
