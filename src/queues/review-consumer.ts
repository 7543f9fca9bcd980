import type { Bindings } from "../env.ts";
import { tenantEnvOfProject } from "../db/shards.ts";
import { logger, withLogContext } from "../lib/logger.ts";
import { PermanentProcessingError, failRun, processReviewRun } from "../services/review-runs/process.ts";
import { ReviewQueueMessageSchema, sentBy } from "../schemas/queue-messages.ts";

export const REVIEW_QUEUE_NAME = "kivo-review-runs";
export const REVIEW_DLQ_NAME = "kivo-review-runs-dlq";

const PROCESSING_FAILED_MESSAGE = "The review could not be completed after several attempts. Create the run again or contact support with the run ID.";

/** Exponential backoff between attempts: 2 s, 4 s, 8 s, … capped at 5 minutes. */
export const retryDelaySeconds = (attempts: number) => Math.min(300, 2 ** Math.max(1, attempts));

/**
 * Messages of one batch under review at once. A review is mostly waiting on
 * D1 and R2, so overlapping a few multiplies what one invocation gets
 * through; the bound keeps a batch of packets at the size limit well inside
 * a Worker's memory.
 */
export const CONCURRENT_REVIEWS = 4;

/** Acks or retries each message on its own, so one bad run never holds back the batch. */
export async function consumeReviewBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  const pending = [...batch.messages];
  const reviewer = async () => {
    for (let message = pending.shift(); message; message = pending.shift()) await consumeReviewMessage(message, env);
  };
  await Promise.all(Array.from({ length: Math.min(CONCURRENT_REVIEWS, pending.length) }, reviewer));
}

async function consumeReviewMessage(message: Message<unknown>, env: Bindings): Promise<void> {
  const parsed = ReviewQueueMessageSchema.safeParse(message.body);
  if (!parsed.success) {
    logger.error("review_message_poisoned", { message_id: message.id });
    message.ack();
    return;
  }
  const { review_run_id: runId, project_id: projectId } = parsed.data;
  await withLogContext({ ...sentBy(parsed.data), review_run_id: runId }, async () => {
    try {
      const tenant = await tenantEnvOfProject(env, projectId);
      const { outcome } = await processReviewRun(tenant, runId, projectId);
      logger.info("review_message_processed", { outcome, attempts: message.attempts });
      message.ack();
    } catch (error) {
      if (error instanceof PermanentProcessingError) {
        await failRun(await tenantEnvOfProject(env, projectId), runId, error.code, error.message);
        message.ack();
        return;
      }
      logger.warn("review_message_retry", { attempts: message.attempts, error });
      message.retry({ delaySeconds: retryDelaySeconds(message.attempts) });
    }
  });
}

/** Messages that exhausted their retries: the run ends `failed` with a code the caller can act on. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  for (const message of batch.messages) {
    const parsed = ReviewQueueMessageSchema.safeParse(message.body);
    if (parsed.success) {
      try {
        await failRun(await tenantEnvOfProject(env, parsed.data.project_id), parsed.data.review_run_id, "processing_failed", PROCESSING_FAILED_MESSAGE);
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
