import type { Bindings } from "../env.ts";
import { logger, withLogContext } from "../lib/logger.ts";
import { PermanentProcessingError, failRun, processReviewRun } from "../services/review-runs/process.ts";
import { ReviewQueueMessageSchema, sentBy } from "../schemas/queue-messages.ts";

export const REVIEW_QUEUE_NAME = "kivo-review-runs";
export const REVIEW_DLQ_NAME = "kivo-review-runs-dlq";

const PROCESSING_FAILED_MESSAGE = "The review could not be completed after several attempts. Create the run again or contact support with the run ID.";

/** Exponential backoff between attempts: 2 s, 4 s, 8 s, … capped at 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));

/** Acks or retries each message on its own, so one bad run never holds back the batch. */
export async function consumeReviewBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ReviewQueueMessageSchema.safeParse(message.body);
    if (!parsed.success) {
      logger.error("review_message_poisoned", { message_id: message.id });
      message.ack();
      continue;
    }
    const { review_run_id: runId, project_id: projectId } = parsed.data;
    await withLogContext({ ...sentBy(parsed.data), review_run_id: runId }, async () => {
      try {
        const { outcome } = await processReviewRun(env, runId, projectId);
        logger.info("review_message_processed", { outcome, attempts: message.attempts });
        message.ack();
      } catch (error) {
        if (error instanceof PermanentProcessingError) {
          await failRun(env, runId, error.code, error.message);
          message.ack();
          return;
        }
        logger.warn("review_message_retry", { attempts: message.attempts, error });
        message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
      }
    });
  }
}

/** Messages that exhausted their retries: the run ends `failed` with a code the caller can act on. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ReviewQueueMessageSchema.safeParse(message.body);
    if (parsed.success) {
      try {
        await failRun(env, parsed.data.review_run_id, "processing_failed", PROCESSING_FAILED_MESSAGE);
      } catch (error) {
        logger.error("dead_letter_record_failed", { review_run_id: parsed.data.review_run_id, error });
        message.retry();
        continue;
      }
    } else {
      logger.error("dead_letter_poisoned", { message_id: message.id });
    }
    message.ack();
  }
}
