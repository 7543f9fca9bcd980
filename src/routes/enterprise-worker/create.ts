import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { metadataBoundary } from "../../middleware/metadata-boundary.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { IdempotencyKeyHeaderSchema } from "../../schemas/common.ts";
import { createEnterpriseWorkerRun, sentCreateAnswer, storedCreateAnswer } from "../../services/enterprise-worker/runs.ts";
import { defineRoute, linksTo } from "../define.ts";
import { createOnce } from "../idempotent-create.ts";
import { CREATE_ALLOWED_FIELDS, CreateEnterpriseWorkerRunBodySchema, CreatedEnterpriseWorkerRunSchema } from "../../schemas/enterprise-worker.ts";

export const createEnterpriseWorkerRunRoute = defineRoute({
  method: "post",
  path: "/v1/private-worker/review-runs",
  operationId: "createPrivateWorkerRun",
  tags: ["Enterprise Worker"],
  summary: "Create a metadata-only Enterprise Worker run",
  description:
    "Creates a run that your own worker reviews in your environment, and returns its one-run worker credential (the token is shown once). Kivo stores metadata only: a body naming a raw-content field anywhere and in any spelling (`ai_output`, `prompt`, `messages`, `source_text`, `source_spans`, `retrieved_context`, `embeddings`, `screenshots`, `uploads`, `tool_trace`; compared after Unicode NFKC, case-folding and removing separators, accents, invisible characters and look-alike letters, singular or plural) is refused with `422 raw_content_rejected`, any other undocumented field with `422 unknown_field`, and nothing is created. IDs, labels and metadata that look like credentials are refused with `400 validation_error`. Counts against the monthly allowance. With `Idempotency-Key`, a retry answers the first response; as Kivo keeps no token, it carries a newly issued credential (the first one is refused from then on), or `worker_credential: null` once the run has finished or its credentials were revoked.",
  auth: { apiKey: "private_worker_runs:create" },
  errors: ["raw_content_rejected", "unknown_field", "idempotency_key_reused", "usage_limit_exceeded", "service_unavailable"],
  maxBodyBytes: 64 * 1024,
  extraMiddleware: [metadataBoundary(CREATE_ALLOWED_FIELDS)],
  request: {
    headers: IdempotencyKeyHeaderSchema,
    body: { required: true, content: { "application/json": { schema: CreateEnterpriseWorkerRunBodySchema } } },
  },
  responses: {
    201: {
      description: "The run (status `queued`) and its worker credential.",
      content: { "application/json": { schema: CreatedEnterpriseWorkerRunSchema } },
      links: linksTo({
        getReviewRun: { reviewRunId: "$response.body#/review_run/id" },
        postWorkerEvent: { reviewRunId: "$response.body#/review_run/id" },
      }),
    },
  },
});

export function registerCreateEnterpriseWorkerRun(app: OpenAPIHono<AppEnv>) {
  app.openapi(createEnterpriseWorkerRunRoute, async (c) => {
    const auth = authOf(c);
    const body = c.req.valid("json");
    const origin = new URL(c.req.url).origin;
    const requestId = c.get("requestId");
    let token: string | undefined;
    const { body: stored, replayed } = await createOnce(
      c,
      { operation: "POST /v1/private-worker/review-runs", key: c.req.valid("header")["idempotency-key"], request: body },
      async (claim) => {
        const created = await createEnterpriseWorkerRun(tenantOf(c), auth, body, origin, (made) => [
          claim.storeAnswer({ status: 201, body: storedCreateAnswer(made, requestId) }),
        ]);
        token = created.credential.token;
        return { status: 201, body: storedCreateAnswer(created, requestId) };
      },
    );
    return c.json(await sentCreateAnswer(tenantOf(c), auth.projectId, stored, replayed ? { replayed } : { token: token! }, origin), 201);
  });
}
