import { z } from "@hono/zod-openapi";

export const WEBHOOK_EVENT_TYPES = [
  "review_run.completed",
  "review_run.failed",
  "review_run.cancelled",
  "import.completed",
  "import.failed",
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WebhookEventTypeSchema = z.enum(WEBHOOK_EVENT_TYPES).openapi("WebhookEventType", {
  description:
    "`review_run.completed` / `failed` / `cancelled`: a run reached that status. `import.completed`: every row of an import has been reviewed (its `review_progress.all_reviewed`). `import.failed`: the import failed closed.",
});
