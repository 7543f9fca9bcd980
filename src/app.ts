import { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "./env.ts";
import { handleError, notFoundHandler, validationHook } from "./middleware/error-handling.ts";
import { apiVersion } from "./middleware/api-version.ts";
import { corsAllowlist } from "./middleware/cors.ts";
import { requestContext } from "./middleware/request-context.ts";
import { buildOpenApiDocument, registerApiVersionComponents, registerBookmarkComponents, registerSecuritySchemes } from "./openapi.ts";
import { registerAdminApiKeys } from "./routes/admin/api-keys.ts";
import { registerAdminOrganizations } from "./routes/admin/organizations.ts";
import { registerAdminPlacements } from "./routes/admin/placements.ts";
import { registerAdminProjects } from "./routes/admin/projects.ts";
import { registerCreateCheckout } from "./routes/billing/checkout.ts";
import { registerCreatePortal } from "./routes/billing/portal.ts";
import { registerGetUsage } from "./routes/billing/usage.ts";
import { registerStripeWebhook } from "./routes/billing/webhooks.ts";
import { registerImports } from "./routes/imports/index.ts";
import { registerWebhookEndpoints } from "./routes/webhook-endpoints/index.ts";
import { registerDocs } from "./routes/meta/docs.ts";
import { registerHealth } from "./routes/meta/health.ts";
import { registerEnterpriseWorker } from "./routes/enterprise-worker/index.ts";
import { registerCreateReportLink } from "./routes/report-links/create.ts";
import { registerOpenReportLink } from "./routes/report-links/open.ts";
import { registerListReportLinks } from "./routes/report-links/list.ts";
import { registerRevokeReportLink } from "./routes/report-links/revoke.ts";
import { registerCancelReviewRun } from "./routes/review-runs/cancel.ts";
import { registerGetClaimReport } from "./routes/review-runs/claim-report.ts";
import { registerListClaims } from "./routes/review-runs/claims.ts";
import { registerCreateReviewRun } from "./routes/review-runs/create.ts";
import { registerDeleteReviewRun } from "./routes/review-runs/delete.ts";
import { registerGetReviewRun } from "./routes/review-runs/get.ts";
import { registerListReviewRuns } from "./routes/review-runs/list.ts";
import { registerListVerificationResults } from "./routes/review-runs/verification-results.ts";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use("*", requestContext);
  app.use("*", corsAllowlist);
  app.use("*", apiVersion);
  app.onError(handleError);
  app.notFound(notFoundHandler(() => app.routes));

  registerSecuritySchemes(app);
  registerApiVersionComponents(app);
  registerBookmarkComponents(app);
  registerHealth(app);
  registerCreateReviewRun(app);
  registerListReviewRuns(app);
  registerGetReviewRun(app);
  registerListClaims(app);
  registerListVerificationResults(app);
  registerGetClaimReport(app);
  registerCancelReviewRun(app);
  registerDeleteReviewRun(app);
  registerImports(app);
  registerWebhookEndpoints(app);
  registerCreateReportLink(app);
  registerListReportLinks(app);
  registerRevokeReportLink(app);
  registerOpenReportLink(app);
  registerEnterpriseWorker(app);
  registerGetUsage(app);
  registerCreateCheckout(app);
  registerCreatePortal(app);
  registerStripeWebhook(app);
  registerAdminOrganizations(app);
  registerAdminPlacements(app);
  registerAdminProjects(app);
  registerAdminApiKeys(app);

  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument(app);
    return c.json(document, 200, { "Cache-Control": "public, max-age=300" });
  });
  registerDocs(app);

  return app;
}

export type App = ReturnType<typeof createApp>;
