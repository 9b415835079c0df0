import { defineConfig, mergeConfig } from "vitest/config";
import base from "./vitest.config.ts";

// Pure unit tests only (no engines): `npm run test:unit`. The full suite is `npm test`.
export default mergeConfig(
  base,
  defineConfig({ test: { exclude: ["**/node_modules/**", "**/*.int.test.ts"] } }),
  false,
);
