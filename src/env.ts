import type { AuthContext } from "./services/tenancy/auth.ts";
import type { WorkerCredentialClaims } from "./schemas/enterprise-worker.ts";
import type { ImportQueueMessage, ReviewQueueMessage, WebhookQueueMessage } from "./schemas/queue-messages.ts";
import type { RateLimiter } from "./durable-objects/rate-limiter.ts";
import type { WorkerCredentialState } from "./durable-objects/worker-credential-state.ts";

export interface Bindings {
  DB: D1Database;
  SOURCES: R2Bucket;
  REVIEW_QUEUE: Queue<ReviewQueueMessage>;
  IMPORT_QUEUE: Queue<ImportQueueMessage>;
  WEBHOOK_QUEUE: Queue<WebhookQueueMessage>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  WORKER_CREDENTIALS: DurableObjectNamespace<WorkerCredentialState>;
  KIVO_ENVIRONMENT?: string;
  /** Enables /admin/v1 when set; the admin routes answer 404 without it. */
  KIVO_ADMIN_TOKEN?: string;
  /** Signs list cursors and reviewer report links. */
  KIVO_SIGNING_SECRET?: string;
  /** Comma-separated browser origins allowed by CORS; none by default. */
  KIVO_CORS_ORIGINS?: string;
  /** `true` lets webhook endpoints be plain-HTTP loopback receivers; ignored in production. */
  KIVO_WEBHOOK_ALLOW_LOOPBACK?: string;
  WORKER_CREDENTIAL_SECRET?: string;
  STRIPE_SECRET_KEY?: string;
  STRIPE_WEBHOOK_SECRET?: string;
  /** Stripe price IDs (`price_…`) that the checkout sells for each paid plan. */
  STRIPE_PRICE_PRO?: string;
  STRIPE_PRICE_ENTERPRISE?: string;
}

export interface Variables {
  requestId: string;
  auth: AuthContext | undefined;
  /** Set on private-worker event routes, which a run credential authorizes instead of an API key. */
  workerCredential?: WorkerCredentialClaims;
}

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
