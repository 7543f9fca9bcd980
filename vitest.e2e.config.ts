import { defineConfig } from "vitest/config";

// End-to-end tests: plain Node processes (the CLI, HTTP clients) against a real
// `wrangler dev` started by the global setup. `npm test` runs them after the
// workerd suite; alone: `npx vitest run --config vitest.e2e.config.ts`.
export default defineConfig({
  test: {
    include: ["test/e2e/**/*.test.ts"],
    environment: "node",
    globalSetup: ["./test/e2e/setup/wrangler-dev.ts"],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
