import { SCOPES, type Scope } from "../services/tenancy/scopes.ts";

const SCOPE_MEANINGS: Record<Scope, string> = {
  "review_runs:create": "create and cancel review runs",
  "review_runs:read": "read runs, claims, verification results and reports; create, list and revoke reviewer links; read imports and their results",
  "imports:create": "create, map, cancel and read imports; cancel imported runs (with `review_runs:create`)",
  "private_worker_runs:create": "create Enterprise Worker runs and rotate or revoke their credentials",
  "billing:read": "read the plan's usage (`GET /v1/usage`)",
  "billing:write": "open Stripe Checkout and Customer Portal sessions",
  "webhooks:write": "manage webhook endpoints, read and resend their deliveries",
};

export const AUTHENTICATION = `## Authentication and scopes

Send a project API key as a bearer token: \`Authorization: Bearer kivo_live_…\` (\`kivo_test_…\` on local and test deployments). A key belongs to one project and sees only that project's runs, imports and endpoints; another project's resource answers \`404\`, exactly as a missing one does. Kivo stores only the key's SHA-256 hash: the secret is shown once, when the key is created (\`npm run keys\`, or \`POST /admin/v1/api-keys\` with the operator's token).

Each operation names the scope it needs; a key without it answers \`403 insufficient_scope\`.

| scope | allows |
|---|---|
${SCOPES.map((scope) => `| \`${scope}\` | ${SCOPE_MEANINGS[scope]} |`).join("\n")}

Two other credentials exist: the run-scoped worker credential (\`kivo_wrk_…\`) with which an Enterprise Worker reports one run's events, and the operator's \`KIVO_ADMIN_TOKEN\` for \`/admin/v1\`. Reviewer links (\`/v1/report-links/{token}\`) need no key: the link is the credential, so share it like the report.
`;
