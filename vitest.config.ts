// Test projects: `unit` (pure code, beside the sources and under test/architecture and test/conformance),
// `integration` (real peers from test/peers: kube-apiserver, Istio oracle, Gerrit, scripted model server)
// and `model-real` (a real small model on llama.cpp's llama-server, provisioned by
// `GIC_REAL_MODEL=1 npm run peers:setup`; a smoke subset, at most 5 tasks per suite in CI).
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
      {
        test: {
          name: 'model-real',
          include: ['test/model-real/**/*.test.ts'],
          // A 1.5B model on 1-2 CPU threads: tens of seconds per answer.
          testTimeout: 600_000,
          hookTimeout: 600_000,
          fileParallelism: false,
          // One llama-server for the project, started from the provisioned cache.
          globalSetup: ['test/model-real/real-model-global-setup.ts'],
        },
      },
    ],
  },
});
