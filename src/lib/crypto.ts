const encoder = new TextEncoder();

export async function sha256Hex(input: string | ArrayBuffer | Uint8Array): Promise<string> {
  const bytes = typeof input === "string" ? encoder.encode(input) : input;
  const digest = await crypto.subtle.digest("SHA-256", bytes);
  return toHex(new Uint8Array(digest));
}

export function toHex(bytes: Uint8Array): string {
  let out = "";
  for (const byte of bytes) out += byte.toString(16).padStart(2, "0");
  return out;
}

const BASE62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";

/** Uniform base62 string (rejection sampling keeps every character equally likely). */
export function randomBase62(length: number): string {
  let out = "";
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 248 && out.length < length) out += BASE62[byte % 62];
    }
  }
  return out;
}

/**
 * Compares two secrets in time independent of where they differ: both sides are
 * hashed first so the comparison also hides their lengths.
 */
export async function secretsEqual(a: string, b: string): Promise<boolean> {
  const [da, db] = await Promise.all([
    crypto.subtle.digest("SHA-256", encoder.encode(a)),
    crypto.subtle.digest("SHA-256", encoder.encode(b)),
  ]);
  return timingSafeEqualBytes(new Uint8Array(da), new Uint8Array(db));
}

export function timingSafeEqualBytes(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a[i]! ^ b[i]!;
  return diff === 0;
}

async function hmacKey(secret: string, purpose: string): Promise<CryptoKey> {
  // A purpose label keeps one secret from signing two kinds of token interchangeably.
  const material = await crypto.subtle.digest("SHA-256", encoder.encode(`${purpose}\u0000${secret}`));
  return crypto.subtle.importKey("raw", material, { name: "HMAC", hash: "SHA-256" }, false, ["sign", "verify"]);
}

export async function hmacSign(secret: string, purpose: string, message: string): Promise<string> {
  const key = await hmacKey(secret, purpose);
  const signature = await crypto.subtle.sign("HMAC", key, encoder.encode(message));
  return base64UrlEncode(new Uint8Array(signature));
}

export async function hmacVerify(secret: string, purpose: string, message: string, signature: string): Promise<boolean> {
  const bytes = base64UrlDecode(signature);
  if (!bytes) return false;
  const key = await hmacKey(secret, purpose);
  return crypto.subtle.verify("HMAC", key, bytes, encoder.encode(message));
}

export function base64UrlEncode(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

/**
 * Decodes canonical unpadded base64url only. The last character of a string
 * whose length is not a multiple of 4 has unused low bits, so up to four
 * spellings decode to the same bytes; accepting only the one Kivo would have
 * written keeps every signed token (cursor, link, credential) to one spelling.
 */
export function base64UrlDecode(value: string): Uint8Array | null {
  if (!/^[A-Za-z0-9_-]*$/.test(value)) return null;
  let bytes: Uint8Array;
  try {
    const binary = atob(value.replace(/-/g, "+").replace(/_/g, "/"));
    bytes = Uint8Array.from(binary, (char) => char.charCodeAt(0));
  } catch {
    return null;
  }
  return base64UrlEncode(bytes) === value ? bytes : null;
}

export const utf8 = {
  encode: (value: string): Uint8Array => encoder.encode(value),
  decode: (bytes: Uint8Array): string => new TextDecoder().decode(bytes),
};
