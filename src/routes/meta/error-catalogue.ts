import type { OpenAPIHono } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { ERRORS, type ErrorCode } from "../../errors.ts";
import { escapeHtml } from "../../services/report/html.ts";

// /docs/errors: every error code with its status, meaning and fix, one anchor
// per code, so the `doc_url` of an error body lands on its entry. Built from
// the error table; plain HTML without script, so it reads offline and anywhere.

/** Escaped text with `code spans` kept as code. */
const inline = (text: string) => escapeHtml(text).replace(/`([^`]+)`/g, "<code>$1</code>");

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:52rem;margin:2rem auto;padding:0 1rem;color:#1a1a1a}
code{font:.9em ui-monospace,monospace;background:#f2f2f2;padding:0 .2em;border-radius:3px}
section{border-top:1px solid #ddd;padding:.5rem 0}section:target{background:#fff8d6}
h2{font-size:1.1rem;margin:.6rem 0 .2rem}dl{display:grid;grid-template-columns:5rem 1fr;gap:.2rem .8rem;margin:0}dt{color:#555}dd{margin:0}`;

export function errorCataloguePage(): string {
  const entries = (Object.entries(ERRORS) as [ErrorCode, (typeof ERRORS)[ErrorCode]][])
    .map(
      ([code, entry]) => `<section id="${code}">
<h2><code>${code}</code> · HTTP ${entry.status}</h2>
<dl><dt>Meaning</dt><dd>${inline(entry.message)}</dd><dt>Fix</dt><dd>${inline(entry.fix)}</dd></dl>
</section>`,
    )
    .join("\n");
  return `<!doctype html>
<html lang="en">
<head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>Kivo API errors</title><style>${STYLE}</style></head>
<body>
<h1>Kivo API errors</h1>
<p>Every error answer is <code>{"error": {"code", "message", "details"?, "doc_url"}, "request_id"}</code>, with the same request ID in the <code>X-Request-Id</code> header. Branch on <code>code</code>, never on <code>message</code>; quote <code>request_id</code> to support. The <a href="/docs">API reference</a> lists the codes each operation can answer.</p>
${entries}
</body>
</html>
`;
}

let page: { html: string; csp: string } | undefined;

async function built() {
  if (!page) {
    const html = errorCataloguePage();
    const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(STYLE));
    const hash = btoa(String.fromCharCode(...new Uint8Array(digest)));
    page = { html, csp: `default-src 'none'; style-src 'sha256-${hash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'` };
  }
  return page;
}

export function registerErrorCatalogue(app: OpenAPIHono<AppEnv>) {
  app.get("/docs/errors", async (c) => {
    const { html, csp } = await built();
    return c.html(html, 200, { "Content-Security-Policy": csp, "Cache-Control": "public, max-age=300" });
  });
}
