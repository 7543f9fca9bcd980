// Verifying Kivo's webhook signatures on the receiving side.
//
// `Kivo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">`;
// while an endpoint's secret is being rotated the header carries one `v1` per
// valid secret. Verify the raw body exactly as received — a re-serialised
// JSON object would not match — and dedupe deliveries by the event's `id`.
// WebCrypto only, so this runs in Node 18+, Workers and Deno.

export const WEBHOOK_SIGNATURE_HEADER = "Kivo-Signature";
export const DEFAULT_WEBHOOK_TOLERANCE_SECONDS = 300;

export interface VerifyWebhookOptions {
  /** How far the signed time may be from now (replay window). Default 300 s. */
  toleranceSeconds?: number;
  /** Unix seconds; for tests. */
  now?: number;
}

const encoder = new TextEncoder();

async function hmacHex(secret: string, message: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", encoder.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, encoder.encode(message)));
  return Array.from(mac, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

// Compares every character, so the time taken says nothing about where a guess went wrong.
function sameText(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let difference = 0;
  for (let i = 0; i < a.length; i++) difference |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return difference === 0;
}

/** True when a `v1` in the header matches one of `secrets` and `t` is within the tolerance. */
export async function verifyWebhookSignature(
  header: string | null | undefined,
  rawBody: string,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<boolean> {
  if (!header) return false;
  const parts = header.split(",").map((part) => part.trim().split("="));
  const timestamp = Number(parts.find(([key]) => key === "t")?.[1]);
  const candidates = parts.filter(([key, value]) => key === "v1" && value).map(([, value]) => value as string);
  if (!Number.isInteger(timestamp) || candidates.length === 0) return false;
  const now = options.now ?? Math.floor(Date.now() / 1000);
  if (Math.abs(now - timestamp) > (options.toleranceSeconds ?? DEFAULT_WEBHOOK_TOLERANCE_SECONDS)) return false;
  for (const secret of typeof secrets === "string" ? [secrets] : secrets) {
    const expected = await hmacHex(secret, `${timestamp}.${rawBody}`);
    if (candidates.some((candidate) => sameText(candidate, expected))) return true;
  }
  return false;
}

export class KivoWebhookSignatureError extends Error {
  override readonly name = "KivoWebhookSignatureError";
}

/** The event, parsed, once its signature holds; throws `KivoWebhookSignatureError` otherwise. */
export async function constructWebhookEvent<T = { id: string; type: string; created_at?: string; data: Record<string, unknown> }>(
  rawBody: string,
  header: string | null | undefined,
  secrets: string | readonly string[],
  options: VerifyWebhookOptions = {},
): Promise<T> {
  if (!(await verifyWebhookSignature(header, rawBody, secrets, options))) {
    throw new KivoWebhookSignatureError("The Kivo-Signature header does not match this body and secret, or its time is outside the tolerance.");
  }
  return JSON.parse(rawBody) as T;
}
