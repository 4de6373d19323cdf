import { defineConfig } from 'vitest/config';

// One vitest run covers every workspace. Integration tests start real processes
// (broker, socat ptys, Chromium), so they get generous timeouts and run in forks
// to keep native handles (serial ports, DuckDB) isolated per file.
export default defineConfig({
  test: {
    include: ['*/test/**/*.test.ts', '*/src/**/*.test.ts', 'test/**/*.test.ts'],
    exclude: ['**/node_modules/**', 'twin-viewer/dist/**'],
    pool: 'forks',
    testTimeout: 60_000,
    hookTimeout: 60_000,
    reporters: ['default', ['json', { outputFile: 'test-results/vitest.json' }]],
  },
});
