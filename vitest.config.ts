import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

/** Test files of every workspace; `*.int.test.ts` need the real stack. */
export const testFiles = [
  "packages/*/src/**/*.test.ts",
  "services/*/src/**/*.test.ts",
  "infra/*/src/**/*.test.ts",
  "test/**/*.test.ts",
];

/** Workspace packages export `source` (TypeScript) for tests and dev runs, `dist` for production. */
export const sourceConditions = {
  resolve: { conditions: ["source", ...defaultServerConditions] },
  ssr: { resolve: { conditions: ["source", ...defaultServerConditions] } },
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
  },
});
