import { createMiddleware } from "hono/factory";
import type { AppEnv } from "../env.ts";
import { ApiError } from "../errors.ts";
import { illFormedStringPaths } from "../lib/well-formed.ts";

const JSON_MEDIA_TYPE = /^application\/([\w.-]+\+)?json\s*(;|$)/i;
const CHARSET = /;\s*charset\s*=\s*"?([^";\s]+)"?/i;
const strictUtf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: false });

/**
 * JSON bodies are UTF-8 text holding well-formed strings, or they are refused.
 * Decoding leniently would replace bad bytes and lone surrogates with U+FFFD,
 * so Kivo would store, hash and quote text the client never sent: claim
 * offsets would not slice the client's text, `content_sha256` would describe
 * other bytes, and `?external_id=` would find nothing under any spelling.
 * Bodies of other media types pass through to the route, which decides.
 */
export const wellFormedJsonBody = createMiddleware<AppEnv>(async (c, next) => {
  const contentType = c.req.header("Content-Type") ?? "";
  if (!JSON_MEDIA_TYPE.test(contentType)) return next();
  const charset = CHARSET.exec(contentType)?.[1];
  if (charset !== undefined && charset.toLowerCase() !== "utf-8" && charset.toLowerCase() !== "utf8") {
    throw new ApiError("unsupported_media_type", { message: `JSON bodies must be UTF-8; charset=${charset.slice(0, 40)} is not accepted.` });
  }
  let text: string;
  try {
    text = strictUtf8.decode(await c.req.arrayBuffer());
  } catch {
    throw new ApiError("invalid_json", { message: "The request body is not valid UTF-8." });
  }
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return next();
  }
  const paths = illFormedStringPaths(body);
  if (paths.length > 0) {
    throw new ApiError("validation_error", {
      message: "Strings must be well-formed Unicode: a lone UTF-16 surrogate cannot be stored as sent.",
      details: paths.map((path) => ({ path, message: "Contains a lone UTF-16 surrogate (e.g. `\\ud800`); send well-formed text." })),
    });
  }
  await next();
});
