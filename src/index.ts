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
import { moveLegacyArtifacts } from "./services/review-runs/artifacts.ts";
import { purgeExpiredIdempotencyKeys } from "./lib/idempotency.ts";
import { database } from "./db/client.ts";
import { enforceRetention } from "./services/retention/sweep.ts";

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
    const now = new Date(controller.scheduledTime);
    await withLogContext({ request_id: newRequestId(), trigger: "cron" }, async () => {
      await sweepStuckRuns(env, now);
      await sweepStuckImports(env, now);
      await sweepJudgeCache(env.DB, now);
      await purgeExpiredIdempotencyKeys(env.DB, now);
      await moveLegacyArtifacts(database(env.DB), env.DB, env.SOURCES);
      await enforceRetention(env, now);
    });
  },
} satisfies ExportedHandler<Bindings, unknown>;
