import { defineConfig } from 'vitest/config';

// Unit tests (src/**) run once. Integration tests (test/**) run against PGlite, and again on
// PostgreSQL when TEST_DATABASE_URL is set; each test file gets its own clean database.
const databases = ['pglite', ...(process.env.TEST_DATABASE_URL ? ['postgres'] : [])];

export default defineConfig({
  test: {
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    // One file at a time: several files start real Herald processes and time publishes; on two cores,
    // running them side by side starves them. The suite is slower but its timings mean something.
    fileParallelism: false,
    projects: [
      { extends: true as const, test: { name: 'unit', include: ['src/**/*.test.ts'] } },
      ...databases.map((db) => ({
        extends: true as const,
        test: { name: db, include: ['test/**/*.test.ts'], env: { HERALD_TEST_DB: db } },
      })),
    ],
  },
});
