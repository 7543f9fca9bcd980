import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { RequestIdSchema } from "../../schemas/common.ts";
import { defineRoute } from "../define.ts";

export const healthRoute = defineRoute({
  method: "get",
  path: "/healthz",
  operationId: "health",
  tags: ["Meta"],
  summary: "Liveness",
  description: "Answers 200 while the Worker runs. No authentication.",
  auth: { public: true },
  responses: {
    200: {
      description: "The Worker is up.",
      content: { "application/json": { schema: z.object({ status: z.literal("ok"), request_id: RequestIdSchema }) } },
    },
  },
});

export function registerHealth(app: OpenAPIHono<AppEnv>) {
  app.openapi(healthRoute, (c) => c.json({ status: "ok" as const, request_id: c.get("requestId") }, 200));
}
