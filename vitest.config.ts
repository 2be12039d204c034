import { defineConfig } from 'vitest/config';
import SummaryReporter from './test/helpers/summary-reporter.js';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // Metrics bucket instants into days: the machine's own zone must never leak in.
    env: { TZ: 'UTC', NO_COLOR: '1' },
    testTimeout: 30_000,
    reporters: ['default', new SummaryReporter()],
  },
});
