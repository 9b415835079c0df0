import { availableParallelism } from "node:os";
import { defineConfig } from "vitest/config";

/** Test files of every workspace; `*.int.test.ts` need the real stack. */
export const testFiles = [
  "packages/*/src/**/*.test.ts",
  "services/*/src/**/*.test.ts",
  "infra/*/src/**/*.test.ts",
  "infra/demo/**/*.test.ts",
  "test/**/*.test.ts",
];

/**
 * Workspace packages export `source` (TypeScript) for tests and dev runs, `dist` for production.
 * Node's own conditions otherwise: vite's default "module" would pick ESM builds (e.g. the AWS
 * SDK's dist-es) that only a bundler can load.
 */
const conditions = ["source", "node"];
export const sourceConditions = {
  resolve: { conditions },
  ssr: { resolve: { conditions, externalConditions: ["source"] } },
};

// One vitest run for the whole tree: the global setup brings up (or finds) the real stack once,
// and every test file isolates itself by run-scoped names (see packages/testing).
export default defineConfig({
  ...sourceConditions,
  test: {
    include: testFiles,
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    // Test files wait on engines (Kafka group joins, queues, timers) far more than they compute, so
    // two run at once even on 2 cores, where vitest's default is one file at a time.
    // HOMEWARD_TEST_WORKERS=1 runs them one at a time.
    maxWorkers: testWorkers(),
    minWorkers: 1,
  },
});

function testWorkers(): number {
  const asked = Number(process.env.HOMEWARD_TEST_WORKERS);
  if (Number.isInteger(asked) && asked >= 1) return asked;
  return Math.max(2, availableParallelism() - 1);
}
