import { index, integer, sqliteTable, text } from "drizzle-orm/sqlite-core";
import { DELIVERY_STATUSES } from "../../schemas/enums.ts";
import { projects } from "./tenancy.ts";

/** Where a project wants its events sent (README "Webhooks"). */
export const webhookEndpoints = sqliteTable(
  "webhook_endpoints",
  {
    id: text("id").primaryKey(),
    organizationId: text("organization_id").notNull(),
    projectId: text("project_id")
      .notNull()
      .references(() => projects.id),
    url: text("url").notNull(),
    description: text("description"),
    /** JSON array of event types. */
    eventTypes: text("event_types").notNull(),
    enabled: integer("enabled", { mode: "boolean" }).notNull().default(true),
    /** AES-GCM-sealed `whsec_…` (src/lib/secret-box.ts); never stored in clear. */
    secretSealed: text("secret_sealed").notNull(),
    /** The secret before the last rotation, still signing until `previous_secret_expires_at`. */
    previousSecretSealed: text("previous_secret_sealed"),
    previousSecretExpiresAt: text("previous_secret_expires_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_endpoints_project_idx").on(t.projectId, t.createdAt)],
);

/** One event as delivered: the thin JSON body, signed anew on each attempt. */
export const webhookEvents = sqliteTable(
  "webhook_events",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    type: text("type").notNull(),
    body: text("body").notNull(),
    createdAt: text("created_at").notNull(),
  },
  (t) => [index("webhook_events_project_idx").on(t.projectId, t.createdAt)],
);

/** One event for one endpoint: its attempts and their outcome. A resend is a new delivery of the same event. */
export const webhookDeliveries = sqliteTable(
  "webhook_deliveries",
  {
    id: text("id").primaryKey(),
    projectId: text("project_id").notNull(),
    endpointId: text("endpoint_id").notNull(),
    eventId: text("event_id").notNull(),
    eventType: text("event_type").notNull(),
    /** `pending` → `succeeded` | `failed` (address refused, or retries exhausted: the dead-letter record). */
    status: text("status", { enum: DELIVERY_STATUSES }).notNull(),
    attempts: integer("attempts").notNull().default(0),
    responseStatus: integer("response_status"),
    /** At most the first 200 characters of the receiver's answer. */
    responseExcerpt: text("response_excerpt"),
    error: text("error"),
    lastAttemptAt: text("last_attempt_at"),
    createdAt: text("created_at").notNull(),
    updatedAt: text("updated_at").notNull(),
  },
  (t) => [index("webhook_deliveries_endpoint_idx").on(t.endpointId, t.createdAt, t.id)],
);
