import type { z } from "zod";
import { base64UrlDecode, base64UrlEncode, hmacSign, hmacVerify, utf8 } from "./crypto.ts";
import { type SecretSetting, requireSecret } from "./secrets.ts";

/**
 * Kivo's one signed-token format, shared by list cursors, report links and
 * worker credentials: `<prefix><payload>.<signature>`, where the payload is
 * the claims as JSON in canonical unpadded base64url and the signature is
 * HMAC-SHA256 under a key derived from the secret and the purpose's label.
 * The signature proves Kivo issued the token, so tokens are never stored.
 *
 * A purpose fixes everything that tells one kind of token from another: its
 * label (a token signed for one purpose never verifies for another, even
 * under the same secret), the setting holding its secret, and its prefix and
 * length bound.
 */
export interface TokenPurpose {
  /** Mixed into the HMAC key; a new label (`.v2`) retires every token of the old one. */
  readonly label: string;
  /** The setting whose secret signs this purpose. */
  readonly setting: SecretSetting;
  /** What the 503 says when that setting is missing. */
  readonly unconfigured: string;
  /** Written before the payload so a leaked token says what it is, e.g. `kivo_wrk_`. */
  readonly prefix?: string;
  /** Longer tokens are refused before any work is spent on them. */
  readonly maxLength?: number;
}

export interface SignOptions {
  /**
   * Context the signature covers without the token carrying it (a cursor's
   * project and filters): the token verifies only where the same context is
   * given again.
   */
  boundTo?: string;
}

/** HMAC-SHA256 is 32 bytes: 43 characters of unpadded base64url. */
const SIGNATURE_LENGTH = 43;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

/**
 * The purpose's secret. Without it nothing can be signed or checked, so the
 * request fails closed with 503 and the operator is told which setting to add.
 */
export const requireTokenSecret = (purpose: TokenPurpose, secret: string | undefined): string =>
  requireSecret(secret, purpose.setting, purpose.unconfigured);

const signedMessage = (payload: string, options: SignOptions) =>
  options.boundTo === undefined ? payload : `${options.boundTo}\n${payload}`;

/** A token carrying `claims`, signed for `purpose`. */
export async function sign(purpose: TokenPurpose, secret: string | undefined, claims: unknown, options: SignOptions = {}): Promise<string> {
  const key = requireTokenSecret(purpose, secret);
  const payload = base64UrlEncode(utf8.encode(JSON.stringify(claims)));
  return `${purpose.prefix ?? ""}${payload}.${await hmacSign(key, purpose.label, signedMessage(payload, options))}`;
}

/**
 * The claims of a token Kivo signed for `purpose`, parsed by `schema`, or null
 * when the token is malformed, tampered with, signed for another purpose or
 * context, or its claims do not fit the schema. A token's shape is checked
 * before the secret is needed, so a malformed token is refused as such even
 * on a deployment missing the secret. Expiry and revocation are the caller's:
 * they differ per purpose.
 */
export async function verify<Schema extends z.ZodType>(
  purpose: TokenPurpose,
  secret: string | undefined,
  token: string,
  schema: Schema,
  options: SignOptions = {},
): Promise<z.output<Schema> | null> {
  const prefix = purpose.prefix ?? "";
  if (purpose.maxLength !== undefined && token.length > purpose.maxLength) return null;
  if (!token.startsWith(prefix)) return null;
  const [payload, signature, ...rest] = token.slice(prefix.length).split(".");
  if (!payload || !signature || rest.length > 0) return null;
  if (!BASE64URL.test(payload) || signature.length !== SIGNATURE_LENGTH) return null;
  const key = requireTokenSecret(purpose, secret);
  if (!(await hmacVerify(key, purpose.label, signedMessage(payload, options), signature))) return null;
  const bytes = base64UrlDecode(payload);
  if (!bytes) return null;
  let claims: unknown;
  try {
    claims = JSON.parse(utf8.decode(bytes));
  } catch {
    return null;
  }
  const parsed = schema.safeParse(claims);
  return parsed.success ? parsed.data : null;
}
