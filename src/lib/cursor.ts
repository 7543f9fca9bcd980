import { ApiError } from "../errors.ts";
import { base64UrlDecode, base64UrlEncode, hmacSign, hmacVerify, utf8 } from "./crypto.ts";
import { requireSecret } from "./secrets.ts";

/**
 * Opaque, tamper-evident keyset cursors: the position (created_at, id) of the
 * last item, bound by HMAC to the project and the filters it was issued for.
 */
export interface CursorPosition {
  createdAt: string;
  id: string;
}

const PURPOSE = "list-cursor.v1";

const secretOf = (secret: string | undefined) =>
  requireSecret(secret, "KIVO_SIGNING_SECRET", "Pagination is not configured on this deployment.");

export async function encodeCursor(
  secret: string | undefined,
  scope: string,
  position: CursorPosition,
): Promise<string> {
  const payload = base64UrlEncode(utf8.encode(JSON.stringify([position.createdAt, position.id])));
  const signature = await hmacSign(secretOf(secret), PURPOSE, `${scope}\n${payload}`);
  return `${payload}.${signature}`;
}

export async function decodeCursor(
  secret: string | undefined,
  scope: string,
  cursor: string,
): Promise<CursorPosition> {
  const invalid = new ApiError("invalid_cursor");
  const [payload, signature, ...rest] = cursor.split(".");
  if (!payload || !signature || rest.length > 0) throw invalid;
  if (!(await hmacVerify(secretOf(secret), PURPOSE, `${scope}\n${payload}`, signature))) throw invalid;
  const bytes = base64UrlDecode(payload);
  if (!bytes) throw invalid;
  try {
    const parsed: unknown = JSON.parse(utf8.decode(bytes));
    if (Array.isArray(parsed) && parsed.length === 2 && parsed.every((v) => typeof v === "string")) {
      return { createdAt: parsed[0] as string, id: parsed[1] as string };
    }
  } catch {
    // falls through to the invalid cursor error
  }
  throw invalid;
}
