import { cloudflareTest, readD1Migrations } from "@cloudflare/vitest-plugin";
import { defineConfig } from "vitest/config";

const migrations = await readD1Migrations(new URL("./migrations", import.meta.url).pathname);

export default defineConfig({
  plugins: [
    cloudflareTest({
      wrangler: { configPath: "./wrangler.toml" },
      miniflare: {
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
          TEST_MIGRATIONS: migrations,
        },
      },
    }),
  ],
  test: {
    include: ["test/**/*.test.ts"],
    exclude: ["test/e2e/**"],
    setupFiles: ["./test/setup.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
  },
});
