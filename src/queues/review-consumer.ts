import type { Bindings } from "../env.ts";
import { writableTenantEnvOfProject } from "../services/tenancy/shard-move.ts";
import { logger } from "../lib/logger.ts";
import { failRun, processReviewRun } from "../services/review-runs/process.ts";
import { type ReviewQueueMessage, ReviewQueueMessageSchema, sentBy } from "../schemas/queue-messages.ts";
import { consumeMessages } from "./consume.ts";

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

const runContext = (message: ReviewQueueMessage) => ({ ...sentBy(message), review_run_id: message.review_run_id });

/** Reviews each run; a run that can never be reviewed is failed at once with the failure's code. */
export async function consumeReviewBatch(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  await consumeMessages(batch, {
    schema: ReviewQueueMessageSchema,
    poisonedEvent: "review_message_poisoned",
    logContext: runContext,
    concurrency: CONCURRENT_REVIEWS,
    process: async (message, attempts) => {
      const tenant = await writableTenantEnvOfProject(env, message.project_id);
      const { outcome } = await processReviewRun(tenant, message.review_run_id, message.project_id);
      logger.info("review_message_processed", { outcome, attempts });
    },
    failPermanently: async (message, failure) => {
      await failRun(await writableTenantEnvOfProject(env, message.project_id), message.review_run_id, failure.code, failure.message);
    },
    defer: (message, delaySeconds) => env.REVIEW_QUEUE.send(message, { contentType: "json", delaySeconds }),
    retryDelaySeconds: (_message, attempts, error) => {
      logger.warn("review_message_retry", { attempts, error });
      return retryDelaySeconds(attempts);
    },
  });
}

/** Messages that exhausted their retries: the run ends `failed` with a code the caller can act on. */
export async function consumeDeadLetters(batch: MessageBatch<unknown>, env: Bindings): Promise<void> {
  await consumeMessages(batch, {
    schema: ReviewQueueMessageSchema,
    poisonedEvent: "dead_letter_poisoned",
    logContext: runContext,
    process: async (message) => {
      await failRun(await writableTenantEnvOfProject(env, message.project_id), message.review_run_id, "processing_failed", PROCESSING_FAILED_MESSAGE);
    },
    retryDelaySeconds: (message, _attempts, error) => {
      logger.error("dead_letter_record_failed", { review_run_id: message.review_run_id, error });
      return undefined;
    },
  });
}
