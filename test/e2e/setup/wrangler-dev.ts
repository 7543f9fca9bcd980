// Global setup of the end-to-end suite (`vitest.e2e.config.ts`): one real
// `wrangler dev` for the whole run, started by the shared launcher
// (scripts/lib/local-kivo.ts: free loopback port, fresh --persist-to state,
// migrations applied, generated secrets instead of the developer's .dev.vars,
// an every-scope key seeded). Tests read it with `inject(...)` through
// `test/e2e/helpers.ts`; it is stopped and its state deleted at the end.
import type { TestProject } from "vitest/node";
import { startLocalKivo } from "../../../scripts/lib/local-kivo.ts";

declare module "vitest" {
  export interface ProvidedContext {
    kivoApiBaseUrl: string;
    kivoApiKey: string;
    kivoAdminToken: string;
    kivoProjectId: string;
  }
}

export default async function setup(project: TestProject) {
  // Loopback webhook receivers (import-webhook.test.ts) need the development opt-in.
  const kivo = await startLocalKivo({ vars: { KIVO_ENVIRONMENT: "test", KIVO_WEBHOOK_ALLOW_LOOPBACK: "true" }, timeoutMs: 90_000 });
  project.provide("kivoApiBaseUrl", kivo.baseUrl);
  project.provide("kivoApiKey", kivo.apiKey);
  project.provide("kivoAdminToken", kivo.adminToken);
  project.provide("kivoProjectId", kivo.tenant.project_id);
  return () => kivo.stop();
}
