import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";
import { registerErrorCatalogue } from "./error-catalogue.ts";
import { REFERENCE_UI } from "./reference-ui.ts";

// The interactive reference at /docs, served entirely from this Worker: the
// pinned UI bundle and its start script are static assets (public/docs/,
// wrangler.toml [assets]), so the page works offline and loads nothing from a
// third party. The CSP holds the page to its own origin; styles must allow
// 'unsafe-inline' because the UI injects its stylesheet at run time.
const CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const BUNDLE = `/docs/${REFERENCE_UI.file}`;
const START = "/docs/reference.js";

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8">
    <meta name="viewport" content="width=device-width, initial-scale=1">
    <title>Kivo API reference</title>
  </head>
  <body>
    <noscript>The reference needs JavaScript. The document itself is at <a href="/openapi.json">/openapi.json</a>.</noscript>
    <div id="app"></div>
    <script src="${BUNDLE}" integrity="${REFERENCE_UI.integrity}"></script>
    <script src="${START}"></script>
  </body>
</html>
`;

/** The assets the page loads, each with how long a browser may keep it (the bundle's name carries its version). */
const ASSETS: Record<string, string> = {
  [BUNDLE]: "public, max-age=31536000, immutable",
  [START]: "public, max-age=300",
};

export function registerDocs(app: OpenAPIHono<AppEnv>) {
  app.get("/docs", (c) =>
    c.html(PAGE, 200, { "Content-Security-Policy": CSP, "Cache-Control": "public, max-age=300", "Referrer-Policy": "no-referrer" }),
  );
  registerErrorCatalogue(app);
  app.get("/docs/:file", async (c) => {
    const cacheControl = ASSETS[c.req.path];
    if (!cacheControl) throw new ApiError("not_found", { message: `No route matches GET ${c.req.path}.` });
    const asset = await c.env.ASSETS.fetch(new URL(c.req.path, c.req.url));
    if (!asset.ok) throw new ApiError("service_unavailable", { message: "The reference UI's assets are missing from this deployment." });
    return new Response(asset.body, {
      headers: {
        "Content-Type": "text/javascript; charset=utf-8",
        "Cache-Control": cacheControl,
        "Cross-Origin-Resource-Policy": "same-origin",
      },
    });
  });
}
