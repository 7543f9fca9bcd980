import type { Scope } from "../../src/services/scopes.ts";
import { createBody, createRun } from "../routes/private-worker/helpers.ts";
import type { Tenant } from "../helpers/harness.ts";

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
  method: "GET" | "POST";
  /** The OpenAPI path template, e.g. `/v1/review-runs/{reviewRunId}`. */
  template: string;
  scope: Scope;
  /** A valid request for the tenant (creating whatever resource it needs). */
  request: (tenant: Tenant) => Promise<RouteRequest>;
  /** For routes on one resource: the same request against a resource ID that does not exist. */
  missingResource?: (tenant: Tenant) => RouteRequest;
}

export const PROTECTED_ROUTES: ProtectedRoute[] = [
  {
    method: "GET",
    template: "/v1/review-runs",
    scope: "review_runs:read",
    request: async () => ({ path: "/v1/review-runs" }),
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
