import { ApiError } from "../errors.ts";
import { logger } from "./logger.ts";

// Log events predate this module; dashboards and alerts may match on them.
const MISSING_EVENT = {
  KIVO_SIGNING_SECRET: "signing_secret_missing",
  WORKER_CREDENTIAL_SECRET: "worker_credential_secret_missing",
} as const;

export type SecretSetting = keyof typeof MISSING_EVENT;

/**
 * The secret a signed token or a sealed value needs. Without it nothing can be
 * signed or checked, so the request fails closed with 503 and the operator is
 * told which setting to add.
 */
export function requireSecret(secret: string | undefined, setting: SecretSetting, message: string): string {
  if (!secret) {
    logger.error(MISSING_EVENT[setting], { need: setting });
    throw new ApiError("service_unavailable", { message });
  }
  return secret;
}
