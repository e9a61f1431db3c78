import { defineConfig } from 'vitest/config';

// Unit tests run in parallel; integration and e2e tests start real servers (Mosquitto, influxd,
// Chromium) and run one file at a time so two suites never fight over CPU on a 2-core machine.
export default defineConfig({
  test: {
    projects: [
      // unit files run in parallel on 2 cores; a generous timeout keeps CPU-heavy property loops from flaking under load
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'], environment: 'node', testTimeout: 30_000 } },
      {
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts', 'tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 60_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
