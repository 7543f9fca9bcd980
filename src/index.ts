import { createApp } from "./app.ts";
import type { Bindings } from "./env.ts";

export { RateLimiter } from "./durable-objects/rate-limiter.ts";
export { WorkerCredentialState } from "./durable-objects/worker-credential-state.ts";

const app = createApp();

export default {
  fetch: app.fetch,
} satisfies ExportedHandler<Bindings>;
