import { z } from "@hono/zod-openapi";

export const RequestIdSchema = z.string().openapi({ example: "req_01hw87j6q7a27ez6p4dk4g0nsn" });
export const TimestampSchema = z.string().openapi({ format: "date-time", example: "2026-04-27T16:20:18.000Z" });
