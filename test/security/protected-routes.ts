import type { Scope } from "../../src/services/tenancy/scopes.ts";
import { call, type Tenant } from "../helpers/harness.ts";
import { SEED_PACKET } from "../helpers/runs.ts";
import { queuedRun } from "../helpers/review-queue.ts";
import { createBody, createRun } from "../routes/enterprise-worker/helpers.ts";

export interface RouteRequest {
  path: string;
  json?: unknown;
}

/**
 * Every operation that needs an API key registers here; the access suite runs
 * the same checks against each, and fails if the document has an operation
 * that is missing from this list.
 */
export interface ProtectedRoute {
  method: "GET" | "POST" | "PATCH" | "DELETE";
  /** The OpenAPI path template, e.g. `/v1/review-runs/{reviewRunId}`. */
  template: string;
  scope: Scope;
  /** Other scopes that authorize the route on their own (the document lists each as an alternative). */
  alsoAccepted?: Scope[];
  /** A valid request for the tenant (creating whatever resource it needs). */
  request: (tenant: Tenant) => Promise<RouteRequest>;
  /** When each accepted scope acts on its own kind of resource: a valid request for a key with only `scope`. */
  requestFor?: (tenant: Tenant, scope: Scope) => Promise<RouteRequest>;
  /** For routes on one resource: the same request against a resource ID that does not exist. */
  missingResource?: (tenant: Tenant) => RouteRequest;
}

async function hostedRun(tenant: Tenant): Promise<string> {
  const response = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: SEED_PACKET });
  const body = (await response.json()) as { review_run: { id: string } };
  return body.review_run.id;
}

const missingRun = () => `run_${crypto.randomUUID()}`;

const onHostedRun = (suffix: string, method: "GET" | "POST" | "DELETE", scope: Scope): ProtectedRoute => ({
  method,
  template: `/v1/review-runs/{reviewRunId}${suffix}`,
  scope,
  request: async (tenant) => ({ path: `/v1/review-runs/${await hostedRun(tenant)}${suffix}` }),
  missingResource: () => ({ path: `/v1/review-runs/${missingRun()}${suffix}` }),
});

export const PROTECTED_ROUTES: ProtectedRoute[] = [
  {
    method: "GET",
    template: "/v1/review-runs",
    scope: "review_runs:read",
    request: async () => ({ path: "/v1/review-runs" }),
  },
  {
    method: "POST",
    template: "/v1/review-runs",
    scope: "review_runs:create",
    request: async () => ({ path: "/v1/review-runs", json: SEED_PACKET }),
  },
  onHostedRun("", "GET", "review_runs:read"),
  onHostedRun("/claims", "GET", "review_runs:read"),
  onHostedRun("/verification-results", "GET", "review_runs:read"),
  onHostedRun("/claim-report", "GET", "review_runs:read"),
  {
    ...onHostedRun("/cancel", "POST", "review_runs:create"),
    // Each scope cancels the runs it creates (a queued one, so the cancel succeeds).
    alsoAccepted: ["imports:create", "private_worker_runs:create"],
    requestFor: async (tenant, scope) => {
      const runId =
        scope === "private_worker_runs:create" ? (await createRun(tenant)).id : await queuedRun(tenant, scope === "imports:create" ? "upload" : "api");
      return { path: `/v1/review-runs/${runId}/cancel` };
    },
  },
  onHostedRun("", "DELETE", "review_runs:create"),
  onHostedRun("/report-links", "POST", "review_runs:read"),
  onHostedRun("/report-links", "GET", "review_runs:read"),
  {
    method: "POST",
    template: "/v1/review-runs/{reviewRunId}/report-links/{linkId}/revoke",
    scope: "review_runs:read",
    request: async (tenant) => {
      const created = await call("/v1/review-runs", { method: "POST", key: tenant.apiKey, json: SEED_PACKET, headers: { Prefer: "wait=10" } });
      const runId = ((await created.json()) as { id: string }).id;
      const link = await call(`/v1/review-runs/${runId}/report-links`, { method: "POST", key: tenant.apiKey, json: {} });
      const linkId = ((await link.json()) as { id: string }).id;
      return { path: `/v1/review-runs/${runId}/report-links/${linkId}/revoke` };
    },
    missingResource: () => ({ path: `/v1/review-runs/${missingRun()}/report-links/rlink_01hw87ffx88w7m4a4qn1v2z7g0/revoke` }),
  },
];

// Enterprise Worker routes that take an API key (the events route takes the run's worker credential instead).
PROTECTED_ROUTES.push(
  {
    method: "POST",
    template: "/v1/private-worker/review-runs",
    scope: "private_worker_runs:create",
    request: async () => ({ path: "/v1/private-worker/review-runs", json: await createBody() }),
  },
  ...(["rotate", "revoke"] as const).map(
    (action): ProtectedRoute => ({
      method: "POST",
      template: `/v1/private-worker/review-runs/{reviewRunId}/credential/${action}`,
      scope: "private_worker_runs:create",
      request: async (tenant) => ({ path: `/v1/private-worker/review-runs/${(await createRun(tenant)).id}/credential/${action}` }),
      missingResource: () => ({ path: `/v1/private-worker/review-runs/run_${crypto.randomUUID()}/credential/${action}` }),
    }),
  ),
);

// Usage and billing (Stripe is never reached: every check here fails before it).
PROTECTED_ROUTES.push(
  { method: "GET", template: "/v1/usage", scope: "billing:read", request: async () => ({ path: "/v1/usage" }) },
  {
    method: "POST",
    template: "/v1/billing/checkout",
    scope: "billing:write",
    request: async () => ({
      path: "/v1/billing/checkout",
      json: { plan: "pro", success_url: "https://app.example.com/ok", cancel_url: "https://app.example.com/no" },
    }),
  },
  {
    method: "POST",
    template: "/v1/billing/portal",
    scope: "billing:write",
    request: async () => ({ path: "/v1/billing/portal", json: { return_url: "https://app.example.com/billing" } }),
  },
);

// Imports. Reading them needs review_runs:read or imports:create, the scope that created them.
async function hostedImport(tenant: Tenant, json: unknown = { media_type: "application/json", rows: [SEED_PACKET] }): Promise<string> {
  const response = await call("/v1/imports", { method: "POST", key: tenant.apiKey, json });
  return ((await response.json()) as { id: string }).id;
}

/** A CSV import whose columns map to nothing: it waits in mapping_required. */
const UNMAPPED_CSV = { media_type: "text/csv", data: "answer,kb\nAdmins can export audit logs.,Admin guide\n" };
const missingImport = () => ({ path: "/v1/imports/import_01hw8894n1v3a9k5sx5v2t3q7b" });

PROTECTED_ROUTES.push(
  {
    method: "POST",
    template: "/v1/imports",
    scope: "imports:create",
    request: async () => ({ path: "/v1/imports", json: { media_type: "application/json", rows: [SEED_PACKET] } }),
  },
  {
    method: "GET",
    template: "/v1/imports",
    scope: "review_runs:read",
    alsoAccepted: ["imports:create"],
    request: async () => ({ path: "/v1/imports" }),
  },
  {
    method: "GET",
    template: "/v1/imports/{importId}",
    scope: "review_runs:read",
    alsoAccepted: ["imports:create"],
    request: async (tenant) => ({ path: `/v1/imports/${await hostedImport(tenant)}` }),
    missingResource: missingImport,
  },
  {
    method: "GET",
    template: "/v1/imports/{importId}/results",
    scope: "review_runs:read",
    alsoAccepted: ["imports:create"],
    request: async (tenant) => ({ path: `/v1/imports/${await hostedImport(tenant)}/results` }),
    missingResource: () => ({ path: `${missingImport().path}/results` }),
  },
  {
    method: "POST",
    template: "/v1/imports/{importId}/cancel",
    scope: "imports:create",
    request: async (tenant) => ({ path: `/v1/imports/${await hostedImport(tenant, UNMAPPED_CSV)}/cancel` }),
    missingResource: () => ({ path: `${missingImport().path}/cancel` }),
  },
  {
    method: "DELETE",
    template: "/v1/imports/{importId}",
    scope: "imports:create",
    request: async (tenant) => ({ path: `/v1/imports/${await hostedImport(tenant)}` }),
    missingResource: missingImport,
  },
  {
    method: "POST",
    template: "/v1/imports/{importId}/field-mapping",
    scope: "imports:create",
    request: async (tenant) => ({
      path: `/v1/imports/${await hostedImport(tenant, UNMAPPED_CSV)}/field-mapping`,
      json: { field_mapping: { ai_output: "answer", source_title: "kb", source_content: "kb" }, intended_use: "internal_draft" },
    }),
    missingResource: () => ({
      path: `${missingImport().path}/field-mapping`,
      json: { field_mapping: { ai_output: "answer", source_title: "kb", source_content: "kb" }, intended_use: "internal_draft" },
    }),
  },
);

// Webhook endpoints: one scope for managing them and reading their deliveries.
const WEBHOOK_BODY = { url: "https://hooks.example.com/kivo", event_types: ["import.completed"] };
async function webhookEndpoint(tenant: Tenant): Promise<string> {
  const response = await call("/v1/webhook-endpoints", { method: "POST", key: tenant.apiKey, json: WEBHOOK_BODY });
  return ((await response.json()) as { id: string }).id;
}
const missingEndpoint = "/v1/webhook-endpoints/whep_01jdx3v2k8p4m6n9q1r3s5t7v9";
const onEndpoint = (method: ProtectedRoute["method"], suffix: string, json?: unknown): ProtectedRoute => ({
  method,
  template: `/v1/webhook-endpoints/{endpointId}${suffix}`,
  scope: "webhooks:write",
  request: async (tenant) => ({ path: `/v1/webhook-endpoints/${await webhookEndpoint(tenant)}${suffix}`, json }),
  missingResource: () => ({ path: `${missingEndpoint}${suffix}`, json }),
});

PROTECTED_ROUTES.push(
  { method: "POST", template: "/v1/webhook-endpoints", scope: "webhooks:write", request: async () => ({ path: "/v1/webhook-endpoints", json: WEBHOOK_BODY }) },
  { method: "GET", template: "/v1/webhook-endpoints", scope: "webhooks:write", request: async () => ({ path: "/v1/webhook-endpoints" }) },
  onEndpoint("GET", ""),
  onEndpoint("PATCH", "", { enabled: false }),
  onEndpoint("DELETE", ""),
  onEndpoint("POST", "/rotate-secret", {}),
  onEndpoint("GET", "/deliveries"),
  {
    method: "POST",
    template: "/v1/webhook-endpoints/{endpointId}/deliveries/{deliveryId}/resend",
    scope: "webhooks:write",
    request: async (tenant) => ({ path: `/v1/webhook-endpoints/${await webhookEndpoint(tenant)}/deliveries/whdl_01jdx3v9a2b4c6d8e0f2g4h6j8/resend` }),
    missingResource: () => ({ path: `${missingEndpoint}/deliveries/whdl_01jdx3v9a2b4c6d8e0f2g4h6j8/resend` }),
  },
);
