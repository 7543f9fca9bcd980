import { createApp } from "./app.ts";
import type { Bindings } from "./env.ts";
import { newRequestId } from "./ids.ts";
import { withLogContext } from "./lib/logger.ts";
import { consumeImportBatch, isImportQueue } from "./queues/import-consumer.ts";
import { REVIEW_DLQ_NAME, consumeDeadLetters, consumeReviewBatch } from "./queues/review-consumer.ts";
import { withBaseQueueName } from "./queues/queue-names.ts";
import { consumeWebhookBatch, isWebhookQueue } from "./queues/webhook-consumer.ts";
import { sweepStuckImports } from "./services/imports/sweep.ts";
import { sweepJudgeCache } from "./services/judge/cache.ts";
import { sweepStuckRuns } from "./services/review-runs/sweep.ts";

export { RateLimiter } from "./durable-objects/rate-limiter.ts";
export { WorkerCredentialState } from "./durable-objects/worker-credential-state.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  // A queue batch and a cron run get an ID of their own, in the request ID's
  // shape, so their log lines can be told apart and read together.
  async queue(delivered, env) {
    const batch = withBaseQueueName(delivered, env.KIVO_QUEUE_SUFFIX);
    await withLogContext({ request_id: newRequestId(), queue: batch.queue }, async () => {
      if (batch.queue === REVIEW_DLQ_NAME) await consumeDeadLetters(batch, env);
      else if (isImportQueue(batch.queue)) await consumeImportBatch(batch, env);
      else if (isWebhookQueue(batch.queue)) await consumeWebhookBatch(batch, env);
      else await consumeReviewBatch(batch, env);
    });
  },
  async scheduled(controller, env) {
    await withLogContext({ request_id: newRequestId(), trigger: "cron" }, async () => {
      await sweepStuckRuns(env, new Date(controller.scheduledTime));
      await sweepStuckImports(env, new Date(controller.scheduledTime));
      await sweepJudgeCache(env.DB, new Date(controller.scheduledTime));
    });
  },
} satisfies ExportedHandler<Bindings, unknown>;
