import { createApp } from "./app.ts";
import type { Bindings } from "./env.ts";
import { REVIEW_DLQ_NAME, consumeDeadLetters, consumeReviewBatch } from "./queues/review-consumer.ts";

export { RateLimiter } from "./durable-objects/rate-limiter.ts";
export { WorkerCredentialState } from "./durable-objects/worker-credential-state.ts";

const app = createApp();

export default {
  fetch: app.fetch,
  async queue(batch, env) {
    if (batch.queue === REVIEW_DLQ_NAME) await consumeDeadLetters(batch, env);
    else await consumeReviewBatch(batch, env);
  },
} satisfies ExportedHandler<Bindings, unknown>;
