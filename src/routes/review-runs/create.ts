import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf, tenantOf } from "../../middleware/auth.ts";
import { logger } from "../../lib/logger.ts";
import { findRun } from "../../services/review-runs/store.ts";
import { createReviewRuns } from "../../services/review-runs/create.ts";
import { assertJudgeAvailable } from "../../services/judge/config.ts";
import { reviewBefore } from "../../services/review-runs/process.ts";
import { completedRunResponse, queuedResponse } from "../../services/review-runs/views.ts";
import { MB, defineRoute, linksTo } from "../define.ts";
import { createOnce } from "../idempotent-create.ts";
import { QUEUED_EXAMPLE, RUN_EXAMPLE } from "./examples.ts";
import { LIMITS, PACKET_BODY_BYTES, ReviewRunInputSchema } from "../../schemas/review-run-input.ts";
import { QueuedReviewRunSchema, ReviewRunSchema } from "../../schemas/review-run.ts";
import { IdempotencyKeyHeaderSchema } from "../../schemas/common.ts";

const MAX_WAIT_SECONDS = 10;


const HeadersSchema = IdempotencyKeyHeaderSchema.extend({
  prefer: z
    .string()
    .max(200)
    .optional()
    .openapi({
      param: { name: "prefer", in: "header" },
      description: `\`wait=N\` (N ≤ ${MAX_WAIT_SECONDS}, RFC 7240): review inline and answer 200 with the completed run when it finishes within N seconds; otherwise the usual 202.`,
      example: "wait=5",
    }),
});

/** The `wait` preference in seconds, capped; null when absent or zero. */
export function waitPreference(prefer: string | undefined): number | null {
  const match = prefer ? /(?:^|[\s,;])wait\s*=\s*"?(\d+)"?/i.exec(prefer) : null;
  if (!match) return null;
  const seconds = Math.min(Number(match[1]), MAX_WAIT_SECONDS);
  return seconds > 0 ? seconds : null;
}

export const createReviewRunRoute = defineRoute({
  method: "post",
  path: "/v1/review-runs",
  operationId: "createReviewRun",
  tags: ["Review runs"],
  summary: "Create a review run",
  description:
    "Queues one AI output with the sources it should be checked against. Poll `polling_url` until the run is `completed`, then read its claims, verification results and claim report. Send `Prefer: wait=N` (N ≤ 10) to have the packet reviewed inline: the answer is `200` with the completed run if the review finishes within N seconds of the request, otherwise the usual `202` (the review carries on and the run completes as if queued).",
  auth: { apiKey: "review_runs:create" },
  errors: ["idempotency_key_reused", "usage_limit_exceeded", "semantic_judge_budget_exhausted", "semantic_judge_unavailable", "service_unavailable"],
  maxBodyBytes: PACKET_BODY_BYTES,
  request: {
    headers: HeadersSchema,
    body: {
      required: true,
      description: `At most ${PACKET_BODY_BYTES / MB} MB, enough for any packet within the field limits in any script: \`ai_output\` ${LIMITS.aiOutputChars.toLocaleString("en")} characters, ${LIMITS.sources} sources of ${LIMITS.sourceChars.toLocaleString("en")} characters each and ${LIMITS.totalSourceChars.toLocaleString("en")} together, metadata ${LIMITS.metadataKeys} keys and ${LIMITS.metadataBytes / 1024} KB.`,
      content: { "application/json": { schema: ReviewRunInputSchema } },
    },
  },
  responses: {
    202: {
      description: "The run is queued. Nothing more is needed than polling.",
      content: { "application/json": { schema: QueuedReviewRunSchema, example: QUEUED_EXAMPLE } },
      links: linksTo({
        getReviewRun: { reviewRunId: "$response.body#/review_run/id" },
        listClaims: { reviewRunId: "$response.body#/review_run/id" },
        getClaimReport: { reviewRunId: "$response.body#/review_run/id" },
        cancelReviewRun: { reviewRunId: "$response.body#/review_run/id" },
      }),
    },
    200: {
      description: "With `Prefer: wait=N`: the run completed inline (same shape as GET). `Preference-Applied` echoes the wait.",
      content: { "application/json": { schema: ReviewRunSchema, example: RUN_EXAMPLE } },
      links: linksTo({
        getReviewRun: { reviewRunId: "$response.body#/id" },
        listClaims: { reviewRunId: "$response.body#/id" },
        getClaimReport: { reviewRunId: "$response.body#/id" },
      }),
    },
  },
});

export function registerCreateReviewRun(app: OpenAPIHono<AppEnv>) {
  app.openapi(createReviewRunRoute, async (c) => {
    const auth = authOf(c);
    const input = c.req.valid("json");
    const headers = c.req.valid("header");
    const wait = waitPreference(headers.prefer);
    const deadline = Date.now() + (wait ?? 0) * 1000;
    const requestId = c.get("requestId");

    const result = await createOnce<{ request_id: string }>(
      c,
      { operation: "POST /v1/review-runs", key: headers["idempotency-key"], request: input },
      async (claim) => {
        // Inside the idempotent part: a replay answers what the first request got, whatever the budget is now.
        if (input.semantic_judge === "required") await assertJudgeAvailable(tenantOf(c), auth);
        const origin = new URL(c.req.url).origin;
        const [created] = await createReviewRuns(tenantOf(c), auth, [input], {
          captureMethod: "api",
          commitWith: ([run]) => [claim.storeAnswer({ status: 202, body: queuedResponse(run!, origin, requestId) })].filter((s) => s !== null),
        });
        const row = created!;
        if (wait !== null) {
          try {
            const processed = await reviewBefore(
              tenantOf(c),
              (work) => c.executionCtx.waitUntil(work),
              { id: row.id, projectId: auth.projectId, contents: input.sources.map((s) => s.content) },
              deadline,
            );
            if (processed?.outcome === "completed") {
              const completed = await findRun(tenantDbOf(c), auth.projectId, row.id);
              return { status: 200, body: completedRunResponse(completed, processed.sources, processed.result, requestId) };
            }
          } catch (error) {
            // The queued message still carries the run; the caller polls as usual.
            logger.warn("inline_review_fell_back", { review_run_id: row.id, error });
          }
        }
        return { status: 202, body: queuedResponse(row, origin, requestId) };
      },
    );

    if (result.status === 200 && wait !== null) c.header("Preference-Applied", `wait=${wait}`);
    const body = result.body;
    return result.status === 200
      ? c.json(body as z.infer<typeof ReviewRunSchema>, 200)
      : c.json(body as z.infer<typeof QueuedReviewRunSchema>, 202);
  });
}
