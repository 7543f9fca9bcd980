import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";
import { API_VERSIONS, API_VERSION_HEADER, DOCUMENT_VERSION, LATEST_API_VERSION } from "./api-versions.ts";
import { DOCUMENT_DESCRIPTION, TAG_DESCRIPTIONS } from "./guides/index.ts";
import { plainRefs } from "./lib/plain-refs.ts";
import { BOOKMARK_HEADER } from "./schemas/common.ts";
import { ADMIN_TOKEN_SCHEME, API_KEY_SCHEME, API_VERSION_PARAMETER, BOOKMARK_PARAMETER, WORKER_CREDENTIAL_SCHEME } from "./routes/define.ts";

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

/** The `Kivo-Version` request header and its echo on every response, referenced by each operation (routes/define.ts). */
export function registerApiVersionComponents(app: OpenAPIHono<AppEnv>) {
  const versions = API_VERSIONS.map((entry) => entry.version);
  app.openAPIRegistry.registerComponent("parameters", API_VERSION_PARAMETER, {
    name: API_VERSION_HEADER,
    in: "header",
    required: false,
    description: `The API version to use (a release date). Leave it out for the latest, \`${LATEST_API_VERSION}\`; an unknown version answers \`400 unsupported_api_version\`. See the Versioning guide.`,
    schema: { type: "string", enum: versions, default: LATEST_API_VERSION },
  });
  app.openAPIRegistry.registerComponent("headers", API_VERSION_PARAMETER, {
    description: "The API version this response was served with.",
    schema: { type: "string", enum: versions },
  });
}

/** The `Kivo-Bookmark` request header and its answer on API-key operations (db/sessions.ts). */
export function registerBookmarkComponents(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.registerComponent("parameters", BOOKMARK_PARAMETER, {
    name: BOOKMARK_HEADER,
    in: "header",
    required: false,
    description:
      "The `Kivo-Bookmark` of the last response you received. Reads may be served by a database replica near you; with this header, never by one older than your own last write, so you always read your writes. The SDKs send it for you. A value that is not a bookmark of your organization's current database (malformed, or kept from before the organization moved to another database) is ignored and the request is read from the primary database.",
    schema: { type: "string", maxLength: 256 },
  });
  app.openAPIRegistry.registerComponent("headers", BOOKMARK_PARAMETER, {
    description: "The database position this response reflects (opaque: it names the database too): send it as `Kivo-Bookmark` with your next request to read at least this fresh.",
    schema: { type: "string" },
  });
}

export function buildOpenApiDocument(app: OpenAPIHono<AppEnv>) {
  const document = app.getOpenAPI31Document({
    openapi: "3.1.0",
    info: {
      title: "Kivo API",
      version: DOCUMENT_VERSION,
      description: DOCUMENT_DESCRIPTION,
      license: { name: "Proprietary", url: "https://trykivo.co/terms" },
      contact: { name: "Kivo", email: "security@trykivo.co" },
      "x-kivo-version": LATEST_API_VERSION,
    },
    // Relative first: a client or "try it" on /docs talks to the server the document came from.
    servers: [
      { url: "/", description: "This server (the origin that served this document)" },
      { url: "https://api.trykivo.co", description: "Production" },
      { url: "http://127.0.0.1:8787", description: "Local (npm run dev)" },
    ],
    tags: [
      { name: "Review runs", description: TAG_DESCRIPTIONS["Review runs"] },
      { name: "Imports", description: TAG_DESCRIPTIONS.Imports },
      { name: "Webhooks", description: TAG_DESCRIPTIONS.Webhooks },
      { name: "Enterprise Worker", description: TAG_DESCRIPTIONS["Enterprise Worker"] },
      { name: "Billing", description: "Plan usage, Stripe Checkout and Customer Portal sessions, and Stripe's webhooks." },
      { name: "Admin", description: "Operator endpoints for organizations, projects and API keys." },
      { name: "Meta", description: "Liveness and documents." },
    ],
    // Operations name their own (a scope, another scheme, or none); an operation without one would need an API key.
    security: [{ [API_KEY_SCHEME]: [] }],
  });
  return plainRefs(document);
}
