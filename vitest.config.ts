import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/integration/global-setup.ts'],
    setupFiles: ['test/support/fast-check.ts'],
    // CLI and HTTP tests start child processes; on a loaded 2-core machine that takes seconds.
    testTimeout: 30_000,
  },
});
