import { LIMITS } from "../schemas/review-run-input.ts";

// Guides that open their tag's section of the reference: what a caller needs
// before reading the operations one by one.

export const REVIEW_RUNS_TAG = `Hosted review of one output against its sources: create a run, follow it to \`completed\` (see the run lifecycle in the introduction), then read its claims, verification results and the claim report as JSON, markdown or a self-contained HTML page. Reviewer links open that page without an API key.`;

export const IMPORTS_TAG = `JSON, JSONL and CSV batches of outputs that become review runs, up to 1,000 rows and 10 MB per request.

- **Send** the file itself (\`Content-Type: application/x-ndjson\` or \`text/csv\`, defaults such as \`intended_use\` in the query string), or JSON \`{"media_type", "rows"}\` / \`{"media_type", "data"}\`. Each row has the fields of \`POST /v1/review-runs\` and is validated on its own; rejected rows are listed in \`validation_errors\` and the rest become runs with their \`external_id\`.
- **CSV** columns match field names (\`ai_output\`, \`question\`, \`intended_use\`, \`source_title\` + \`source_content\`, \`source_1_content\`, …); \`field_mapping\` maps your own column names. When a required field cannot be found, the import waits as \`mapping_required\` until \`POST /v1/imports/{importId}/field-mapping\`.
- **Small imports** (one chunk of at most 100 rows) answer \`completed\` with every \`review_run_ids\`; larger ones answer \`queued\` and create their runs through the queue. \`review_progress.all_reviewed\` says when every run has been reviewed, and the \`import.completed\` webhook announces it.
- **Results**: \`GET /v1/imports/{importId}/results\` answers one line per row in row order (JSON Lines, or CSV with \`?format=csv\`), joined back to your data by \`external_id\`; \`?from_row=N\` resumes a download.
- Up to ${LIMITS.sources} sources per row, with the limits of a single run.`;

export const WEBHOOKS_TAG = `Instead of polling, register an HTTPS endpoint and Kivo POSTs each event to it: \`review_run.completed\`, \`review_run.failed\`, \`review_run.cancelled\`, \`import.completed\`, \`import.failed\`.

- **Payloads** are thin — \`{id, type, created_at, project_id, data}\` with IDs, statuses, verdict and counts, never output or source text. Fetch what you need with the API. Delivery is at least once: deduplicate by the event \`id\` (also in \`Kivo-Event-Id\`).
- **Verify** every delivery: \`Kivo-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<raw body>">\` under the endpoint's secret (\`whsec_…\`, shown once at creation and rotation). Compare in constant time against the raw body and refuse a \`t\` more than 5 minutes from your clock; during a secret rotation the header carries one \`v1\` per secret. The SDKs do this: \`verifyWebhookSignature\` / \`verify_webhook_signature\`.
- **Retries**: answer 2xx within 10 seconds. Anything else is retried from 30 s, doubling to 6 h, 12 times (about 20 hours); then the delivery is \`failed\`, and \`POST …/deliveries/{deliveryId}/resend\` sends it again.`;

export const ENTERPRISE_WORKER_TAG = `Metadata-only runs reviewed by your own worker: outputs and sources stay in your environment, Kivo keeps status, verdict, counts, hashes, versions and opaque storage pointers.

1. Your backend creates the run (\`POST /v1/private-worker/review-runs\`, scope \`private_worker_runs:create\`) and receives a run-scoped worker credential, \`kivo_wrk_…\`, shown once.
2. Your worker (\`kivo-worker review --packet …\`, the same engine) reviews the packet locally and reports \`status\`, then \`completed\` or \`failed\` events with that credential.
3. Rotate or revoke the credential at any time; revocation is final.

The boundary fails closed: any raw-content field (\`ai_output\`, \`prompt\`, \`source_text\`, …, under any spelling and at any depth) answers \`422 raw_content_rejected\`, any field outside the allowlist \`422 unknown_field\`. The run is listed with the others, but its claims and report answer \`409 artifact_not_hosted\`: they are where your worker wrote them.`;
