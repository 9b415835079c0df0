import { defineConfig } from "vitest/config";
import { sourceConditions, testFiles } from "./vitest.config.ts";

// Pure unit tests only, no engines needed: `npm run test:unit`. The full suite is `npm test`.
export default defineConfig({
  ...sourceConditions,
  test: { include: testFiles, exclude: ["**/node_modules/**", "**/*.int.test.ts"], pool: "forks" },
});
