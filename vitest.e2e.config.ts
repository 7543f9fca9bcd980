import { defineConfig } from "vitest/config";

// End-to-end tests: plain Node processes (the CLI, HTTP clients) against a real
// `wrangler dev` started by the global setup. `npm test` runs them after the
// workerd suite; alone: `npx vitest run --config vitest.e2e.config.ts`. The
// TypeScript SDK's own tests (a stand-in server on loopback) run here as well:
// they are Node code, and the workerd config takes everything else in test/.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts", "sdks/typescript/test/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/setup/wrangler-dev.ts"],
    // Failures and the summary only, as in the workerd suite.
    reporters: ["dot"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
