import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";
import { ADMIN_TOKEN_SCHEME, API_KEY_SCHEME, WORKER_CREDENTIAL_SCHEME } from "./routes/define.ts";

export const API_VERSION = "2026-11-22";

const DESCRIPTION = `Kivo reviews one AI-generated output against the sources you supply: it extracts atomic claims, finds evidence for each in those sources, verifies support, checks citations, and compiles a claim report and a gate verdict for your intended use.

Every response carries a \`request_id\` (body and \`X-Request-Id\` header). Errors share one envelope: \`{"error": {"code", "message", "details"?}, "request_id"}\`.`;

export function registerSecuritySchemes(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("securitySchemes", API_KEY_SCHEME, {
    type: "http",
    scheme: "bearer",
    description:
      "A project API key: `Authorization: Bearer kivo_live_…` (or `kivo_test_…` locally). Each operation names the scope it needs.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", WORKER_CREDENTIAL_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The run-scoped worker credential `kivo_wrk_…` returned when a private-worker run is created.",
  });
  app.openAPIRegistry.registerComponent("securitySchemes", ADMIN_TOKEN_SCHEME, {
    type: "http",
    scheme: "bearer",
    description: "The operator's `KIVO_ADMIN_TOKEN` secret.",
  });
}

export function buildOpenApiDocument(app: OpenAPIHono<AppEnv>) {
  return app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Kivo API",
      version: API_VERSION,
      description: DESCRIPTION,
      license: { name: "Proprietary", url: "https://trykivo.co/terms" },
      contact: { name: "Kivo", email: "security@trykivo.co" },
    },
    servers: [
      { url: "https://api.trykivo.co", description: "Production" },
      { url: "http://127.0.0.1:8787", description: "Local (npm run dev)" },
    ],
    tags: [
      { name: "Review runs", description: "Hosted review of one output against its sources." },
      { name: "Imports", description: "JSON, JSONL and CSV batches of outputs that become review runs." },
      {
        name: "Enterprise Worker",
        description: "Metadata-only runs reviewed by your own worker: run-scoped credentials and status, completion and failure events.",
      },
      { name: "Billing", description: "Plan usage, Stripe Checkout and Customer Portal sessions, and Stripe's webhooks." },
      { name: "Admin", description: "Operator endpoints for organizations, projects and API keys." },
      { name: "Meta", description: "Liveness and documents." },
    ],
  });
}
