import { OpenAPIHono } from "@hono/zod-openapi";
import { Scalar } from "@scalar/hono-api-reference";
import type { AppEnv } from "./env.ts";
import { handleError, notFoundHandler, validationHook } from "./middleware/error-handling.ts";
import { requestContext } from "./middleware/request-context.ts";
import { buildOpenApiDocument, registerSecuritySchemes } from "./openapi.ts";
import { registerAdminApiKeys } from "./routes/admin/api-keys.ts";
import { registerAdminOrganizations } from "./routes/admin/organizations.ts";
import { registerAdminProjects } from "./routes/admin/projects.ts";
import { registerHealth } from "./routes/meta/health.ts";
import { registerPrivateWorker } from "./routes/private-worker/index.ts";
import { registerListReviewRuns } from "./routes/review-runs/list.ts";

export function createApp() {
  const app = new OpenAPIHono<AppEnv>({ defaultHook: validationHook });

  app.use("*", requestContext);
  app.onError(handleError);
  app.notFound(notFoundHandler(() => app.routes));

  registerSecuritySchemes(app);
  registerHealth(app);
  registerListReviewRuns(app);
  registerPrivateWorker(app);
  registerAdminOrganizations(app);
  registerAdminProjects(app);
  registerAdminApiKeys(app);

  let document: ReturnType<typeof buildOpenApiDocument> | undefined;
  app.get("/openapi.json", (c) => {
    document ??= buildOpenApiDocument(app);
    return c.json(document, 200, { "Cache-Control": "public, max-age=300" });
  });
  app.get("/docs", Scalar({ url: "/openapi.json", pageTitle: "Kivo API reference" }));

  return app;
}

export type App = ReturnType<typeof createApp>;
