import { defaultServerConditions } from "vite";
import { defineConfig } from "vitest/config";

// One vitest run for the whole tree: the global setup brings up (or finds) the real stack once,
// and every test file isolates itself by run-scoped names (see packages/testing).
export default defineConfig({
  resolve: { conditions: ["source", ...defaultServerConditions] },
  ssr: { resolve: { conditions: ["source", ...defaultServerConditions] } },
  test: {
    include: ["packages/*/src/**/*.test.ts", "services/*/src/**/*.test.ts", "infra/*/src/**/*.test.ts", "test/**/*.test.ts"],
    globalSetup: ["test/global-setup.ts"],
    testTimeout: 30_000,
    hookTimeout: 120_000,
    pool: "forks",
    reporters: ["default"],
  },
});
