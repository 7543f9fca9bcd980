import { base64UrlDecode, base64UrlEncode, hmacSign, hmacVerify, utf8 } from "../../lib/crypto.ts";
import { requireSecret } from "../../lib/secrets.ts";

// Reviewer links: `<payload>.<signature>`, the payload base64url JSON naming
// the run, its project and the expiry (Unix seconds), signed with HMAC-SHA256
// and KIVO_SIGNING_SECRET under its own purpose label, so a list cursor can
// never pass for a link. Nothing is stored: the signature proves issue, and a
// link stops working when it expires or the secret is rotated.

const PURPOSE = "report-link.v1";
const MAX_TOKEN_LENGTH = 512;

export const REPORT_LINK_TTL = { min: 60, max: 7 * 24 * 3600, default: 24 * 3600 } as const;

export interface ReportLink {
  runId: string;
  projectId: string;
  /** Milliseconds since the epoch, on a whole second. */
  expiresAt: number;
}

export const signingSecret = (secret: string | undefined) =>
  requireSecret(secret, "KIVO_SIGNING_SECRET", "Report links are not configured on this deployment.");

export async function signReportLink(secret: string, link: ReportLink): Promise<string> {
  const claims = { run: link.runId, project: link.projectId, exp: Math.floor(link.expiresAt / 1000) };
  const payload = base64UrlEncode(utf8.encode(JSON.stringify(claims)));
  return `${payload}.${await hmacSign(secret, PURPOSE, payload)}`;
}

/** The link a token names, or null when it is malformed, tampered with or expired. */
export async function verifyReportLink(secret: string, token: string, now: number): Promise<ReportLink | null> {
  if (token.length > MAX_TOKEN_LENGTH) return null;
  const [payload, signature, ...rest] = token.split(".");
  if (!payload || !signature || rest.length > 0) return null;
  if (!(await hmacVerify(secret, PURPOSE, payload, signature))) return null;
  const bytes = base64UrlDecode(payload);
  if (!bytes) return null;
  try {
    const claims = JSON.parse(utf8.decode(bytes)) as { run?: unknown; project?: unknown; exp?: unknown };
    if (typeof claims.run !== "string" || typeof claims.project !== "string" || typeof claims.exp !== "number") return null;
    const expiresAt = claims.exp * 1000;
    if (now >= expiresAt) return null;
    return { runId: claims.run, projectId: claims.project, expiresAt };
  } catch {
    return null;
  }
}
