import { toHex, timingSafeEqualBytes, utf8 } from "./crypto.ts";

/**
 * `Kivo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`, as
 * Stripe signs its webhooks. While a secret is being rotated the header
 * carries one `v1` per valid secret, so a receiver that knows either accepts.
 */
export const SIGNATURE_HEADER = "Kivo-Signature";
export const DEFAULT_TOLERANCE_SECONDS = 300;

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", utf8.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return toHex(new Uint8Array(await crypto.subtle.sign("HMAC", key, utf8.encode(message))));
}

export async function signatureHeader(secrets: readonly string[], body: string, timestamp: number): Promise<string> {
  const signatures = await Promise.all(secrets.map((secret) => hmacHex(secret, `${timestamp}.${body}`)));
  return [`t=${timestamp}`, ...signatures.map((signature) => `v1=${signature}`)].join(",");
}

/** What a receiver runs: true when some `v1` matches one of its secrets and `t` is within the tolerance. */
export async function verifySignature(
  header: string | null,
  body: string,
  secrets: readonly string[],
  options: { toleranceSeconds?: number; now?: number } = {},
): Promise<boolean> {
  if (!header) return false;
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  const candidates = parts.filter(([key, value]) => key === "v1" && value).map(([, value]) => value!);
  if (!Number.isInteger(timestamp) || candidates.length === 0) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_TOLERANCE_SECONDS)) return false;
  for (const secret of secrets) {
    const expected = utf8.encode(await hmacHex(secret, `${timestamp}.${body}`));
    if (candidates.some((candidate) => timingSafeEqualBytes(utf8.encode(candidate), expected))) return true;
  }
  return false;
}
