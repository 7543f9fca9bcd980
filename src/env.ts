import type { AuthContext } from "./services/tenancy/auth.ts";
import type { WorkerCredentialClaims } from "./schemas/enterprise-worker.ts";
import type { ImportQueueMessage, ReviewQueueMessage, WebhookQueueMessage } from "./schemas/queue-messages.ts";
import type { RateLimiter } from "./durable-objects/rate-limiter.ts";
import type { WorkerCredentialState } from "./durable-objects/worker-credential-state.ts";
import type { D1Queryable, Database } from "./db/client.ts";
import type { AiBinding } from "./services/judge/workers-ai.ts";

export interface Bindings {
  /** The primary database: the control plane, and the shard of every organization without a placement (src/db/shards.ts). */
  DB: D1Database;
  /** Further shards are bindings named DB_SHARD_<n>; `KIVO_D1_PLACEMENT` lists those new organizations are placed on. */
  KIVO_D1_PLACEMENT?: string;
  SOURCES: R2Bucket;
  REVIEW_QUEUE: Queue<ReviewQueueMessage>;
  IMPORT_QUEUE: Queue<ImportQueueMessage>;
  WEBHOOK_QUEUE: Queue<WebhookQueueMessage>;
  RATE_LIMITER: DurableObjectNamespace<RateLimiter>;
  WORKER_CREDENTIALS: DurableObjectNamespace<WorkerCredentialState>;
  /** Static assets (public/): the reference UI that /docs serves. */
  ASSETS: Fetcher;
  KIVO_ENVIRONMENT?: string;
  /** The suffix of this deployment's queue names (`-staging`); the queue handler dispatches on the name without it. */
  KIVO_QUEUE_SUFFIX?: string;
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
  /** The semantic judge (docs/engine.md): `off` (default), `workers-ai` or `openai-compatible`; a project's own setting wins. */
  KIVO_JUDGE_PROVIDER?: string;
  /** Workers AI model name (default `@cf/openai/gpt-oss-120b`), or the model an OpenAI-compatible endpoint serves. */
  KIVO_JUDGE_MODEL?: string;
  /** OpenAI-compatible base URL up to the version segment, e.g. `https://api.openai.com/v1`. */
  KIVO_JUDGE_BASE_URL?: string;
  KIVO_JUDGE_API_KEY?: string;
  /** `uncertain` (default) or `strict_all`: every claim of a strict run. */
  KIVO_JUDGE_SELECTION?: string;
  /** Model-scored claims below this confidence go to the judge even when supported (default 0.7). */
  KIVO_JUDGE_CONFIDENCE_BELOW?: string;
  /** The judge's budget per run, retry included (default 20000). */
  KIVO_JUDGE_TIMEOUT_MS?: string;
  /** Tokens (input plus output) the judge may spend per organization and usage period; unset = no cap. An organization's own budget wins. */
  KIVO_JUDGE_MONTHLY_TOKEN_BUDGET?: string;
  /** Workers AI; bound only in the production environment of wrangler.toml. */
  AI?: AiBinding;
}

export interface Variables {
  requestId: string;
  /** The API version the request is served with (`Kivo-Version`, src/api-versions.ts). */
  apiVersion: string;
  auth: AuthContext | undefined;
  /** The bindings scoped to the authenticated organization: its shard, as a read-replica session (src/middleware/auth.ts). */
  tenant?: TenantEnv;
  /** The same database as `tenant.TENANT_DB`, through drizzle: what stores take. */
  tenantDb?: Database;
  /** Set on private-worker event routes, which a run credential authorizes instead of an API key. */
  workerCredential?: WorkerCredentialClaims;
}

/**
 * The bindings a tenant-scoped service works with: everything the Worker is
 * bound to, `DB` still the control plane, and `TENANT_DB` the one database
 * that holds this organization's data (src/db/shards.ts), a read-replica
 * session of it on API requests.
 */
export type TenantEnv = Bindings & { TENANT_DB: D1Queryable };

export interface AppEnv {
  Bindings: Bindings;
  Variables: Variables;
}
