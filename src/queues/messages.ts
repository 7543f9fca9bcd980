import { z } from "zod";

/** The review queue's message, shared by the producers and the consumer. */
export const ReviewQueueMessageSchema = z.object({
  kind: z.literal("review_run"),
  review_run_id: z.string(),
  project_id: z.string(),
});

export type ReviewQueueMessage = z.infer<typeof ReviewQueueMessageSchema>;
