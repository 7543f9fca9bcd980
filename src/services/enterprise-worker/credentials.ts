import { z } from "zod";
import { ulid } from "ulid";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { REVIEW_RUN_ID_PATTERN, UUID_PATTERN } from "../../ids.ts";
import { type TokenPurpose, requireTokenSecret, sign, verify } from "../../lib/signed-token.ts";
import type { WorkerCredentialClaims } from "../../schemas/enterprise-worker.ts";

/**
 * Run-scoped worker credentials (README, "Enterprise Worker").
 *
 * A token is a signed token (lib/signed-token.ts), `kivo_wrk_<payload>.<signature>`,
 * whose claims name the run, its project, the credential ID and the expiry,
 * signed with WORKER_CREDENTIAL_SECRET. The signature
 * proves Kivo issued it, so Kivo never stores tokens, not even hashed. What a
 * signature cannot express — "this credential was rotated away or revoked" —
 * is the run's WorkerCredentialState Durable Object, which holds the one
 * active credential ID.
 */

const WORKER_CREDENTIAL_TOKEN: TokenPurpose = {
  label: "worker-credential.v1",
  setting: "WORKER_CREDENTIAL_SECRET",
  unconfigured: "Worker credentials are not configured on this deployment.",
  prefix: "kivo_wrk_",
  // The prefix, a payload of at most 600 characters, the dot and the signature.
  maxLength: 9 + 600 + 1 + 43,
};
const CREDENTIAL_ID_PATTERN = /^wcred_[0-9a-z]{26}$/;

const TokenClaimsSchema = z.object({
  v: z.literal(1),
  /** Review run ID. */
  run: z.string().regex(REVIEW_RUN_ID_PATTERN),
  /** Project ID: lets the event path read the run within its project, like every other path. */
  prj: z.string().regex(UUID_PATTERN),
  /** Credential ID. */
  cid: z.string().regex(CREDENTIAL_ID_PATTERN),
  /** Expiry, seconds since the epoch. */
  exp: z.number().refine(Number.isSafeInteger),
});
type TokenClaims = z.infer<typeof TokenClaimsSchema>;

export interface IssuedWorkerCredential {
  token: string;
  credentialId: string;
  expiresAt: string;
}

const credentialState = (env: Bindings, reviewRunId: string) =>
  env.WORKER_CREDENTIALS.get(env.WORKER_CREDENTIALS.idFromName(reviewRunId));

/**
 * Signs a new credential for the run and makes it the run's only active one:
 * whatever credential was active before is refused from this moment. A run
 * whose credentials were revoked gets none (`credential_revoked`).
 */
export async function issueWorkerCredential(
  env: Bindings,
  run: { reviewRunId: string; projectId: string },
  ttlSeconds: number,
  now: Date = new Date(),
): Promise<IssuedWorkerCredential> {
  // Without the secret no credential can be issued: fail closed before the Durable Object is touched.
  const secret = requireTokenSecret(WORKER_CREDENTIAL_TOKEN, env.WORKER_CREDENTIAL_SECRET);
  const credentialId = `wcred_${ulid().toLowerCase()}`;
  // Whole seconds, so the expiry shown equals the one signed.
  const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const claims: TokenClaims = { v: 1, run: run.reviewRunId, prj: run.projectId, cid: credentialId, exp };
  const token = await sign(WORKER_CREDENTIAL_TOKEN, secret, claims);
  if (!(await credentialState(env, run.reviewRunId).activate(credentialId, exp * 1000))) throw new ApiError("credential_revoked");
  return { token, credentialId, expiresAt: new Date(exp * 1000).toISOString() };
}

export async function revokeWorkerCredentials(env: Bindings, reviewRunId: string): Promise<void> {
  await credentialState(env, reviewRunId).revoke();
}

/**
 * Accepts a token only if it is well formed, its signature verifies, it names
 * the run in the path, it has not expired, and it is the run's active
 * credential — in that order, so a forged token learns nothing about the run.
 */
export async function verifyWorkerCredential(
  env: Bindings,
  token: string | null,
  reviewRunId: string,
  now: Date = new Date(),
): Promise<WorkerCredentialClaims> {
  if (token === null) throw new ApiError("missing_worker_credential");
  const payload = await verify(WORKER_CREDENTIAL_TOKEN, env.WORKER_CREDENTIAL_SECRET, token, TokenClaimsSchema);
  if (!payload || payload.run !== reviewRunId) throw new ApiError("invalid_worker_credential");
  if (payload.exp * 1000 <= now.getTime()) throw new ApiError("worker_credential_expired");

  const state = await credentialState(env, reviewRunId).check(payload.cid);
  if (state === "revoked") throw new ApiError("worker_credential_revoked");
  if (state !== "active") throw new ApiError("invalid_worker_credential");
  return {
    reviewRunId: payload.run,
    projectId: payload.prj,
    credentialId: payload.cid,
    expiresAt: new Date(payload.exp * 1000).toISOString(),
  };
}
