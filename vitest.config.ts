// Test projects: `unit` (pure code, beside the sources and under test/architecture and test/conformance)
// and `integration` (real peers from test/peers: kube-apiserver, Istio oracle, Gerrit, model server).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          setupFiles: ['test/support/fast-check-setup.ts'],
          include: ['src/**/*.test.ts', 'tools/**/*.test.ts', 'test/unit/**/*.test.ts', 'test/architecture/**/*.test.ts', 'test/conformance/**/*.test.ts', 'test/cli/**/*.test.ts'],
          testTimeout: 30_000,
        },
      },
      {
        test: {
          name: 'integration',
          setupFiles: ['test/support/fast-check-setup.ts'],
          include: ['test/integration/**/*.test.ts', 'test/peers/**/*.test.ts'],
          testTimeout: 300_000,
          hookTimeout: 900_000,
          fileParallelism: false,
          // One Gerrit per run, started only when a test file asks for it (test/peers/gerrit).
          globalSetup: ['test/peers/gerrit/gerrit-global-setup.ts'],
        },
      },
    ],
  },
});
