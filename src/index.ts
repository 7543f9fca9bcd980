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
import { purgeExpiredIdempotencyKeys } from "./services/idempotency/keys.ts";
import { database } from "./db/client.ts";
import { shardDatabase, shardNames, tenantEnv } from "./db/shards.ts";
import { enforceRetention } from "./services/retention/sweep.ts";
import { continueAbandonedMoves } from "./services/tenancy/shard-move.ts";
import { logger } from "./lib/logger.ts";

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
    // Every sweep works on one shard's tables; a pass runs them all on each declared shard.
    const sweepsOf = (shard: string): Record<string, () => Promise<unknown>> => {
      const onShard = tenantEnv(env, shardDatabase(env, shard));
      return {
        stuck_runs: () => sweepStuckRuns(onShard, now),
        stuck_imports: () => sweepStuckImports(onShard, now),
        judge_cache: () => sweepJudgeCache(database(onShard.TENANT_DB), now),
        idempotency_keys: () => purgeExpiredIdempotencyKeys(database(onShard.TENANT_DB), now),
        legacy_artifacts: () => moveLegacyArtifacts(database(onShard.TENANT_DB), env.SOURCES),
        retention: () => enforceRetention(onShard, shard, now),
      };
    };
    await withLogContext({ request_id: newRequestId(), trigger: "cron" }, async () => {
      // Each sweep runs even when one before it fails; the pass still fails afterwards, so the failure shows.
      const failures: unknown[] = [];
      for (const shard of shardNames(env)) {
        for (const [sweep, run] of Object.entries(sweepsOf(shard))) {
          try {
            await run();
          } catch (error) {
            logger.error("cron_sweep_failed", { sweep, shard, error });
            failures.push(error);
          }
        }
      }
      // Moves between shards are control plane: once a pass, not per shard.
      try {
        await continueAbandonedMoves(env, now);
      } catch (error) {
        logger.error("cron_sweep_failed", { sweep: "shard_moves", error });
        failures.push(error);
      }
      if (failures.length > 0) throw failures[0];
    });
  },
} satisfies ExportedHandler<Bindings, unknown>;
