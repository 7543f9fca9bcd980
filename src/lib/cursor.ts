import { z } from "zod";
import { ApiError } from "../errors.ts";
import { type TokenPurpose, sign, verify } from "./signed-token.ts";

/**
 * Opaque, tamper-evident keyset cursors: the position (created_at, id) of the
 * last item, bound by the signature to the project and the filters it was
 * issued for (`scope`), which the cursor itself does not carry.
 */
export interface CursorPosition {
  createdAt: string;
  id: string;
}

const LIST_CURSOR: TokenPurpose = {
  label: "list-cursor.v1",
  setting: "KIVO_SIGNING_SECRET",
  unconfigured: "Pagination is not configured on this deployment.",
};

/** The wire claims: `[created_at, id]`, kept as a pair so cursors stay short. */
const CursorClaimsSchema = z.tuple([z.string(), z.string()]);

export async function encodeCursor(secret: string | undefined, scope: string, position: CursorPosition): Promise<string> {
  return sign(LIST_CURSOR, secret, [position.createdAt, position.id], { boundTo: scope });
}

export async function decodeCursor(secret: string | undefined, scope: string, cursor: string): Promise<CursorPosition> {
  const claims = await verify(LIST_CURSOR, secret, cursor, CursorClaimsSchema, { boundTo: scope });
  if (!claims) throw new ApiError("invalid_cursor");
  return { createdAt: claims[0], id: claims[1] };
}
