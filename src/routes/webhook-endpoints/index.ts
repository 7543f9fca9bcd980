import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { registerCreateEndpoint } from "./create.ts";
import { registerDeleteEndpoint } from "./delete.ts";
import { registerGetEndpoint } from "./get.ts";
import { registerListDeliveries } from "./list-deliveries.ts";
import { registerListEndpoints } from "./list.ts";
import { registerResendDelivery } from "./resend-delivery.ts";
import { registerRotateSecret } from "./rotate-secret.ts";
import { registerUpdateEndpoint } from "./update.ts";

/** Webhook endpoints: where a project's events are delivered, signed, and what became of each delivery. */
export function registerWebhookEndpoints(app: OpenAPIHono<AppEnv>) {
  registerCreateEndpoint(app);
  registerListEndpoints(app);
  registerGetEndpoint(app);
  registerUpdateEndpoint(app);
  registerDeleteEndpoint(app);
  registerRotateSecret(app);
  registerListDeliveries(app);
  registerResendDelivery(app);
}
