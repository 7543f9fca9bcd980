import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import type { ErrorCode } from "../errors.ts";
import { bearerToken } from "../services/tenancy/auth.ts";
import { limitFailedAuthentication } from "./rate-limit.ts";
import type { WorkerCredentialClaims } from "../schemas/enterprise-worker.ts";
import { verifyWorkerCredential } from "../services/enterprise-worker/credentials.ts";

export const WORKER_CREDENTIAL_ERRORS = [
  "missing_worker_credential",
  "invalid_worker_credential",
  "worker_credential_expired",
  "worker_credential_revoked",
  "rate_limited",
  "service_unavailable",
] as const satisfies ErrorCode[];

/** Authorizes a request on `/…/{reviewRunId}/…` with that run's worker credential (never an API key). */
export const requireWorkerCredential = createMiddleware<AppEnv>(async (c, next) => {
  const claims = await verifyWorkerCredential(c.env, bearerToken(c.req.header("Authorization")), c.req.param("reviewRunId") ?? "").catch(
    (error: unknown) => limitFailedAuthentication(c, error),
  );
  c.set("workerCredential", claims);
  await next();
});

export function workerCredentialOf(c: { get(key: "workerCredential"): WorkerCredentialClaims | undefined }): WorkerCredentialClaims {
  const claims = c.get("workerCredential");
  if (!claims) throw new Error("route reached without worker-credential middleware");
  return claims;
}
