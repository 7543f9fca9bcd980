import { ulid } from "ulid";
import type { Bindings } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { REVIEW_RUN_ID_PATTERN, UUID_PATTERN } from "../../ids.ts";
import { base64UrlDecode, base64UrlEncode, hmacSign, hmacVerify, utf8 } from "../../lib/crypto.ts";
import { requireSecret } from "../../lib/secrets.ts";
import type { WorkerCredentialClaims } from "../../schemas/enterprise-worker.ts";

/**
 * Run-scoped worker credentials (README, "Enterprise Worker").
 *
 * A token is `kivo_wrk_<payload>.<signature>`: the payload is base64url JSON
 * naming the run, its project, the credential ID and the expiry; the signature
 * is HMAC-SHA256 over the payload with WORKER_CREDENTIAL_SECRET. The signature
 * proves Kivo issued it, so Kivo never stores tokens, not even hashed. What a
 * signature cannot express — "this credential was rotated away or revoked" —
 * is the run's WorkerCredentialState Durable Object, which holds the one
 * active credential ID.
 */

const TOKEN_PREFIX = "kivo_wrk_";
const TOKEN_PATTERN = /^kivo_wrk_([A-Za-z0-9_-]{20,600})\.([A-Za-z0-9_-]{43})$/;
const SIGNING_PURPOSE = "worker-credential.v1";
const CREDENTIAL_ID_PATTERN = /^wcred_[0-9a-z]{26}$/;

interface TokenPayload {
  v: 1;
  /** Review run ID. */
  run: string;
  /** Project ID: lets the event path read the run within its project, like every other path. */
  prj: string;
  /** Credential ID. */
  cid: string;
  /** Expiry, seconds since the epoch. */
  exp: number;
}

export interface IssuedWorkerCredential {
  token: string;
  credentialId: string;
  expiresAt: string;
}

/** Without the secret no credential can be issued or checked: fail closed. */
const credentialSecret = (env: Bindings) =>
  requireSecret(env.WORKER_CREDENTIAL_SECRET, "WORKER_CREDENTIAL_SECRET", "Worker credentials are not configured on this deployment.");

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
  const secret = credentialSecret(env);
  const credentialId = `wcred_${ulid().toLowerCase()}`;
  // Whole seconds, so the expiry shown equals the one signed.
  const exp = Math.floor(now.getTime() / 1000) + ttlSeconds;
  const payload: TokenPayload = { v: 1, run: run.reviewRunId, prj: run.projectId, cid: credentialId, exp };
  const encoded = base64UrlEncode(utf8.encode(JSON.stringify(payload)));
  const signature = await hmacSign(secret, SIGNING_PURPOSE, encoded);
  if (!(await credentialState(env, run.reviewRunId).activate(credentialId, exp * 1000))) throw new ApiError("credential_revoked");
  return { token: `${TOKEN_PREFIX}${encoded}.${signature}`, credentialId, expiresAt: new Date(exp * 1000).toISOString() };
}

export async function revokeWorkerCredentials(env: Bindings, reviewRunId: string): Promise<void> {
  await credentialState(env, reviewRunId).revoke();
}

function parsePayload(encoded: string): TokenPayload | null {
  const bytes = base64UrlDecode(encoded);
  if (!bytes) return null;
  let value: unknown;
  try {
    value = JSON.parse(utf8.decode(bytes));
  } catch {
    return null;
  }
  const p = value as Partial<TokenPayload> | null;
  const valid =
    p !== null &&
    typeof p === "object" &&
    p.v === 1 &&
    typeof p.run === "string" &&
    REVIEW_RUN_ID_PATTERN.test(p.run) &&
    typeof p.prj === "string" &&
    UUID_PATTERN.test(p.prj) &&
    typeof p.cid === "string" &&
    CREDENTIAL_ID_PATTERN.test(p.cid) &&
    typeof p.exp === "number" &&
    Number.isSafeInteger(p.exp);
  return valid ? (p as TokenPayload) : null;
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
  const match = TOKEN_PATTERN.exec(token);
  if (!match) throw new ApiError("invalid_worker_credential");
  const [, encoded, signature] = match as unknown as [string, string, string];
  if (!(await hmacVerify(credentialSecret(env), SIGNING_PURPOSE, encoded, signature))) {
    throw new ApiError("invalid_worker_credential");
  }
  const payload = parsePayload(encoded);
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
