import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { registerCreateEnterpriseWorkerRun } from "./create.ts";
import { registerWorkerEvents } from "./events.ts";
import { registerRevokeWorkerCredential } from "./revoke-credential.ts";
import { registerRotateWorkerCredential } from "./rotate-credential.ts";

/** The Enterprise Worker endpoints (README, "Enterprise Worker"): metadata-only runs, their credentials and events. */
export function registerEnterpriseWorker(app: OpenAPIHono<AppEnv>) {
  registerCreateEnterpriseWorkerRun(app);
  registerRotateWorkerCredential(app);
  registerRevokeWorkerCredential(app);
  registerWorkerEvents(app);
}
