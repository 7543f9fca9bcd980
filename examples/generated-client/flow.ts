// A typed client generated from Kivo's OpenAPI document, used end to end:
// create a review run → poll → claims → claim report (JSON and markdown) →
// reviewer link → import a batch → list the import's runs.
//
//   npx openapi-typescript "$KIVO_API_BASE_URL/openapi.json" -o examples/generated-client/kivo-api.ts
//   KIVO_API_BASE_URL=… KIVO_API_KEY=… npx node examples/generated-client/flow.ts
//
// `kivo-api.ts` is generated, never committed; `openapi-fetch` is the runtime.
import createClient from "openapi-fetch";
import type { components, paths } from "./kivo-api.ts";

type Schemas = components["schemas"];

const baseUrl = process.env.KIVO_API_BASE_URL;
const apiKey = process.env.KIVO_API_KEY;
if (!baseUrl || !apiKey) throw new Error("Set KIVO_API_BASE_URL and KIVO_API_KEY.");

const kivo = createClient<paths>({ baseUrl, headers: { Authorization: `Bearer ${apiKey}` } });

/** The body of a successful answer, or an error naming Kivo's code and request ID. */
function ok<T>(result: { data?: T; error?: { error: { code: string }; request_id: string } | unknown; response: Response }): T {
  if (result.data === undefined) {
    const envelope = result.error as Schemas["Error"] | undefined;
    throw new Error(`Kivo answered ${result.response.status}: ${envelope?.error.code} (${envelope?.request_id})`);
  }
  return result.data;
}

const created = ok(
  await kivo.POST("/v1/review-runs", {
    body: {
      ai_output: "Customers can request refunds for any order within 60 days, including international orders.",
      sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
      intended_use: "customer_facing",
      strictness: "standard",
      metadata: { workflow: "support_answer", environment: "generated-client" },
    },
  }),
);
if (!("queued" in created)) throw new Error("Expected the 202 queued answer without a Prefer header.");
const reviewRunId = created.review_run.id;
const path = { reviewRunId };

let run: Schemas["ReviewRun"] | Schemas["ReviewRunSummary"] = created.review_run;
for (let attempt = 0; run.status === "queued" || run.status === "processing"; attempt++) {
  if (attempt === 60) throw new Error(`${reviewRunId} is still ${run.status}`);
  await new Promise((resolve) => setTimeout(resolve, created.queued.recommended_poll_interval_seconds * 1000));
  run = ok(await kivo.GET("/v1/review-runs/{reviewRunId}", { params: { path } }));
}
if (run.status !== "completed") throw new Error(`${reviewRunId} ended as ${run.status}`);

const claims: Schemas["Claim"][] = ok(await kivo.GET("/v1/review-runs/{reviewRunId}/claims", { params: { path } })).items;
const report = ok(await kivo.GET("/v1/review-runs/{reviewRunId}/claim-report", { params: { path } }));
if (typeof report === "string") throw new Error("Expected the JSON report by default.");
const markdown = ok(
  await kivo.GET("/v1/review-runs/{reviewRunId}/claim-report", {
    params: { path, query: { format: "markdown" } },
    parseAs: "text",
  }),
);
const link = ok(await kivo.POST("/v1/review-runs/{reviewRunId}/report-links", { params: { path }, body: { expires_in_seconds: 600 } }));

const imported = ok(
  await kivo.POST("/v1/imports", {
    body: {
      media_type: "application/x-ndjson",
      rows: [
        {
          external_id: "answer_001",
          ai_output: "Refunds are available for 60 days.",
          sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
          intended_use: "customer_facing",
        },
      ],
    },
  }),
);
const listed = ok(await kivo.GET("/v1/review-runs", { params: { query: { import_id: imported.id, limit: 100 } } }));

console.log(
  JSON.stringify({
    review_run_id: reviewRunId,
    status: run.status,
    safe_use_status: run.safe_use_status,
    gate_verdict: run.gate_verdict?.verdict ?? null,
    claims: claims.map((claim) => ({ id: claim.id, support_status: claim.support_status })),
    report_safe_use_status: report.safe_use_status,
    markdown_title: markdown.split("\n")[0],
    report_url: link.url,
    import_id: imported.id,
    import_status: imported.status,
    import_run_ids: imported.review_run_ids,
    listed_run_ids: listed.items.map((item) => item.id),
  }),
);
