import { z } from "zod";

/** The request (or cron run) that sent a message: its consumer logs under the same ID (README, "Errors"). */
const SentBy = z.string().max(64).optional();

/** The log fields a consumer adds for a message: the sender's request ID, when the message carries one. */
export const sentBy = (message: { request_id?: string | undefined }) => (message.request_id ? { request_id: message.request_id } : {});

/** The review queue's message, shared by the producers and the consumer. */
export const ReviewQueueMessageSchema = z.object({
  kind: z.literal("review_run"),
  review_run_id: z.string(),
  project_id: z.string(),
  request_id: SentBy,
});

export type ReviewQueueMessage = z.infer<typeof ReviewQueueMessageSchema>;

/**
 * The import queue's message: one chunk of an asynchronous import, whose rows
 * are staged in R2 at `imports/<project_id>/<import_id>/chunks/<chunk>.json`.
 */
export const ImportQueueMessageSchema = z.object({
  kind: z.literal("import_chunk"),
  import_id: z.string(),
  project_id: z.string(),
  chunk: z.number().int().min(1),
  request_id: SentBy,
});

export type ImportQueueMessage = z.infer<typeof ImportQueueMessageSchema>;

/** The webhook queue's message: one delivery of one event to one endpoint. */
export const WebhookQueueMessageSchema = z.object({
  kind: z.literal("webhook_delivery"),
  delivery_id: z.string(),
  project_id: z.string(),
  request_id: SentBy,
});

export type WebhookQueueMessage = z.infer<typeof WebhookQueueMessageSchema>;
