import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { appendFileSync } from "node:fs";
import type { Logger, Plugin } from "vite";
import { defineConfig } from "vitest/config";
import { LEAK_PATTERNS, LOG_REPORT } from "./test/log-hygiene/patterns.ts";

const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);

// Vite warns once per dependency file whose sourcemap names sources the package
// does not ship (Stripe's SDK: some 200 lines per run). Nothing to act on here.
// Vitest installs its own logger, so the filter wraps whatever logger resolves.
const quietSourcemapWarnings: Plugin = {
  name: "kivo:quiet-sourcemap-warnings",
  configResolved(config) {
    const logger = config.logger as { -readonly [K in keyof Logger]: Logger[K] };
    for (const method of ["warn", "warnOnce"] as const) {
      const write = logger[method];
      logger[method] = (message, options) => {
        if (!message.includes("Sourcemap for ")) write(message, options);
      };
    }
  },
};

export default defineConfig({
  plugins: [
    quietSourcemapWarnings,
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
        // A second shard beside the primary DB (src/db/shards.ts): test/storage/shards.test.ts
        // places organizations on it. KIVO_D1_PLACEMENT stays unset, so the harness's
        // organizations are all on the primary.
        d1Databases: { DB_SHARD_1: "kivo-shard-1" },
        bindings: {
          KIVO_ENVIRONMENT: "test",
          KIVO_ADMIN_TOKEN: "test-admin-token",
          KIVO_SIGNING_SECRET: "test-signing-secret",
          WORKER_CREDENTIAL_SECRET: "test-worker-credential-secret",
          // Billing is configured in tests; Stripe itself is intercepted at fetch (test/helpers/stripe.ts).
          STRIPE_SECRET_KEY: "sk_test_kivo",
          STRIPE_WEBHOOK_SECRET: "whsec_test_kivo",
          STRIPE_PRICE_PRO: "price_test_pro",
          STRIPE_PRICE_ENTERPRISE: "price_test_enterprise",
          // The semantic judge's endpoint exists but the deployment leaves it off; a test turns it
          // on per project or per delivery, and test/helpers/judge.ts stands in for the endpoint.
          KIVO_JUDGE_BASE_URL: "https://judge.test/v1",
          KIVO_JUDGE_MODEL: "judge-model-7b",
          KIVO_JUDGE_API_KEY: "judge-test-secret",
          TEST_MIGRATIONS: migrations,
          // `npm run fuzz` raises these; `npm test` keeps the fuzz suite quick.
          FUZZ_RUNS: process.env.FUZZ_RUNS ?? "150",
          FUZZ_SEED: process.env.FUZZ_SEED ?? "20261122",
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**"],
    setupFiles: ["./test/setup.ts"],
    globalSetup: ["./test/log-hygiene/global-setup.ts"],
    // Every console line of the suite (the Worker's included) is checked for
    // secrets and submitted text; the global teardown fails the run on a leak.
    // The lines are not printed: a run shows failures and the summary only
    // (KIVO_TEST_LOGS=1 prints them again, for debugging a test).
    onConsoleLog(log) {
      const leak = LEAK_PATTERNS.find(({ pattern }) => pattern.test(log));
      const record = leak ? { leak: leak.name, line: log.slice(0, 300) } : {};
      appendFileSync(LOG_REPORT, `${JSON.stringify(record)}\n`);
      return process.env.KIVO_TEST_LOGS === "1";
    },
    reporters: ["dot"],
    // A bound for a hung test, not a speed target (those are `npm run bench`):
    // the 250-row import tests take ~20 s on a loaded two-core machine.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
