import { RATE_LIMIT_WINDOW_MS, PLANS, PLAN_NAMES, AUTH_FAILURE_LIMIT } from "../services/billing/plans.ts";
import { LIMITS } from "../schemas/review-run-input.ts";

const n = (value: number) => value.toLocaleString("en");

export const PAGINATION = `## Pagination

Lists (\`GET /v1/review-runs\`, \`/v1/imports\`, \`/v1/webhook-endpoints/{id}/deliveries\`, …) are newest first and answer \`{items, has_more, next_cursor}\`. Ask for up to \`limit\` items (1–100, default 20); while \`has_more\` is \`true\`, send \`next_cursor\` back as \`cursor\` with the same filters. Cursors are opaque and signed: a cursor Kivo did not issue for that list answers \`400 invalid_cursor\`. The SDKs iterate every page for you (\`for await (const run of kivo.reviewRuns.list())\`).
`;

export const IDEMPOTENCY = `## Idempotency

Send an \`Idempotency-Key\` header (1–255 characters, a UUID is ideal) on any create. The same key with the same body within 24 hours replays the first answer (\`Idempotent-Replayed: true\`) and creates nothing; the same key with a different body answers \`409 idempotency_key_reused\`. Keys are scoped to the project. Retry a create after a timeout, a network error or a \`5xx\` with the same key, and nothing is created twice; the SDKs do this on their own.
`;

export const RATE_LIMITS = `## Rate limits and the allowance

Two limits apply, both per plan (an operator can override them per organization or key):

| plan | review runs per period | requests per minute, per key |
|---|---|---|
${PLAN_NAMES.map((plan) => `| \`${plan}\` | ${n(PLANS[plan].monthlyRunLimit)} | ${n(PLANS[plan].rateLimitPerMinute)} |`).join("\n")}

- **Rate limit**: a fixed ${RATE_LIMIT_WINDOW_MS / 60_000}-minute window per API key. Every authenticated answer carries \`RateLimit-Limit\`, \`RateLimit-Remaining\` and \`RateLimit-Reset\` (seconds). Over it the answer is \`429 rate_limited\` with \`Retry-After\`: wait that long and retry. After ${AUTH_FAILURE_LIMIT} refused keys in a minute from one address, further refused keys from it answer \`429\` as well.
- **Allowance**: each review run created (directly, per import row, or for an Enterprise Worker) counts against the period's allowance, reserved before anything is written. Past it the answer is \`402 usage_limit_exceeded\` and nothing is created. A period is the calendar month (UTC), or the Stripe billing period once subscribed. \`GET /v1/usage\` shows \`used\`, \`remaining\` and the period; runs Kivo failed are given back.
`;

export const LIMITS_GUIDE = `## Limits

Text limits count **characters as UTF-16 code units** (JavaScript's \`string.length\`; an emoji is 2), body limits count **bytes** of the UTF-8 request body.

| what | limit |
|---|---|
| \`ai_output\` | ${n(LIMITS.aiOutputChars)} characters |
| sources per run | ${LIMITS.sources} |
| one source's \`content\` | ${n(LIMITS.sourceChars)} characters |
| all sources of a run together | ${n(LIMITS.totalSourceChars)} characters |
| source \`title\` | ${LIMITS.titleChars} characters |
| \`question\` | ${n(LIMITS.questionChars)} characters |
| \`external_id\` | ${LIMITS.externalIdChars} characters |
| \`metadata\` | ${n(LIMITS.metadataBytes)} bytes of JSON, ${LIMITS.metadataKeys} keys, nesting depth ${LIMITS.metadataDepth} |
| \`POST /v1/review-runs\` body | 2 MB |
| \`POST /v1/imports\` body | 10 MB and 1,000 rows |
| Enterprise Worker bodies | 64 KB |
| other request bodies | 1 MB or less, as each operation's \`413\` says |
| \`Prefer: wait\` | 10 seconds |
| list \`limit\` | 100 items |

Text must be valid UTF-8 and is stored exactly as sent; a lone UTF-16 surrogate (\`"\\ud800"\`) answers \`400 validation_error\`. Over a limit the answer is \`400 validation_error\` naming the field, or \`413 payload_too_large\` for the body.
`;
