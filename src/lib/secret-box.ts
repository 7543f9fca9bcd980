import { base64UrlDecode, base64UrlEncode, utf8 } from "./crypto.ts";

/**
 * Webhook signing secrets must be usable to sign, so unlike API keys they
 * cannot be stored as hashes: they are stored AES-GCM-encrypted under a key
 * derived from KIVO_SIGNING_SECRET (its own purpose label), never in clear.
 */
const PURPOSE = "webhook-secret.v1";

async function keyFor(masterSecret: string): Promise<CryptoKey> {
  const digest = await crypto.subtle.digest("SHA-256", utf8.encode(`${PURPOSE}\n${masterSecret}`));
  return crypto.subtle.importKey("raw", digest, { name: "AES-GCM" }, false, ["encrypt", "decrypt"]);
}

export async function sealSecret(masterSecret: string, secret: string): Promise<string> {
  const iv = crypto.getRandomValues(new Uint8Array(12));
  const sealed = new Uint8Array(await crypto.subtle.encrypt({ name: "AES-GCM", iv }, await keyFor(masterSecret), utf8.encode(secret)));
  const out = new Uint8Array(iv.length + sealed.length);
  out.set(iv);
  out.set(sealed, iv.length);
  return base64UrlEncode(out);
}

export async function openSecret(masterSecret: string, sealed: string): Promise<string> {
  const bytes = base64UrlDecode(sealed);
  if (!bytes || bytes.length < 13) throw new Error("sealed secret is malformed");
  const plain = await crypto.subtle.decrypt({ name: "AES-GCM", iv: bytes.slice(0, 12) }, await keyFor(masterSecret), bytes.slice(12));
  return utf8.decode(new Uint8Array(plain));
}
