import { z } from "@hono/zod-openapi";

/** The request and response header that carries a D1 bookmark (src/db/sessions.ts). */
export const BOOKMARK_HEADER = "Kivo-Bookmark";

export const RequestIdSchema = z.string().openapi({ example: "req_01hw87j6q7a27ez6p4dk4g0nsn" });
export const TimestampSchema = z.string().openapi({ format: "date-time", example: "2026-04-27T16:20:18.000Z" });

export const IdempotencyKeyHeaderSchema = z.object({
  "idempotency-key": z
    .string()
    .min(1)
    .max(255)
    .optional()
    .openapi({
      param: { name: "idempotency-key", in: "header" },
      description:
        "Makes the create safe to retry: the same key with the same body within 24 h replays the first response and creates nothing new; with a different body it answers 409 `idempotency_key_reused`.",
      example: "9b1f6c1e-6a0e-4d0b-a0a4-0c2b6f1f3d11",
    }),
});
