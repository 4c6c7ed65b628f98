import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts', 'edge/**/*.test.ts', 'bot/**/*.test.ts'],
    exclude: ['test/bench/**', 'node_modules/**'],
    // Most files spend their time waiting on servers they started (workerd, Bun, Chromium),
    // not on a core of their own: Vitest's default of cores - 1 is one worker on a 2-core
    // machine, and the suite then takes twice as long (280 s against 150 s there).
    maxWorkers: Math.max(2, availableParallelism() - 1),
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
