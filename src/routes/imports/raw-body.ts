import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../../env.ts";
import { ApiError } from "../../errors.ts";

const RAW_MEDIA_TYPES = new Set(["application/x-ndjson", "text/csv"]);
// A leading BOM is kept, so the rows reader sees exactly what was sent.
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json$/;

const unsupported = (detail: string) =>
  new ApiError("unsupported_media_type", {
    message: `${detail} Send application/json ({"media_type", "rows"} or {"media_type", "data"}), application/x-ndjson or text/csv.`,
  });

/**
 * Lets a JSONL or CSV file be the request body (`curl --data-binary
 * @sample.jsonl`) by rewriting it into the JSON form `{"media_type", "data"}`
 * before validation. zod-openapi validates a required JSON body on every
 * request whatever its media type, so a raw body would otherwise be checked
 * as `{}`; rewriting keeps one validated input for the handler and one
 * request shape for idempotency. Runs after the body-size limit.
 */
export const rawImportBody = createMiddleware<AppEnv>(async (c, next) => {
  const contentType = c.req.header("content-type");
  if (!contentType) throw unsupported("The request has no Content-Type.");
  const [essence = "", ...parameters] = contentType.split(";").map((part) => part.trim().toLowerCase());
  if (JSON_MEDIA_TYPE.test(essence)) return next();
  if (!RAW_MEDIA_TYPES.has(essence)) throw unsupported(`${essence || "This media type"} is not accepted here.`);
  const charset = parameters.find((p) => p.startsWith("charset="))?.slice("charset=".length).replace(/"/g, "");
  if (charset && charset !== "utf-8" && charset !== "utf8") throw unsupported(`The body must be UTF-8, not ${charset}.`);

  // Read the raw request, not c.req.text(): Hono caches that text and would
  // hand it to the JSON validator in place of the rewritten body. Decoding
  // ourselves also spares workerd's warning about .text() on a non-text type.
  let data: string;
  try {
    data = strictUtf8.decode(await c.req.raw.arrayBuffer());
  } catch {
    // Decoding leniently would store U+FFFD for bytes the client sent, as for JSON bodies.
    throw new ApiError("validation_error", {
      message: "The request body failed validation.",
      details: [{ path: "data", message: "The file is not valid UTF-8; save or export it as UTF-8 and send it again." }],
    });
  }
  const headers = new Headers(c.req.raw.headers);
  headers.set("content-type", "application/json");
  headers.delete("content-length");
  c.req.raw = new Request(c.req.raw.url, {
    method: c.req.raw.method,
    headers,
    body: JSON.stringify({ media_type: essence, data }),
  });
  await next();
});
