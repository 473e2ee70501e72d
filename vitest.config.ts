import { defineConfig } from 'vitest/config';

// Two projects: fast pure tests, and scenarios that start servers (embedded cluster, Prometheus, kubectl).
// Scenarios run one file at a time: the machines have 2 cores and each scenario runs a whole controller.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts', 'test/conformance/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'scenarios',
          include: ['test/scenarios/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 60_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
