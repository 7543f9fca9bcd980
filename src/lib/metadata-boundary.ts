import { type ErrorDetail, ApiError } from "../errors.ts";
import { jsonDepthExceeds } from "./json-depth.ts";
import { foldFieldName } from "./unicode-fold.ts";

/** No metadata body nests this deep; refusing deeper ones keeps the walks below bounded. */
export const MAX_BODY_DEPTH = 32;

/**
 * The metadata-only boundary of the Enterprise Worker endpoints (README, "Enterprise Worker"; SECURITY.md).
 *
 * Two checks on the raw JSON, before schema validation and before anything
 * is written: a field that names raw content anywhere in the body is refused
 * as `raw_content_rejected`, even inside free-form metadata, because such a
 * body means the caller is about to send what must stay in its environment;
 * then any field outside the endpoint's allowlist is `unknown_field`, so a new
 * field cannot slip in without someone deciding it is metadata.
 */
export const RAW_CONTENT_FIELDS = [
  "ai_output",
  "prompt",
  "messages",
  "source_text",
  "source_spans",
  "retrieved_context",
  "embeddings",
  "screenshots",
  "uploads",
  "tool_trace",
] as const;

/**
 * Matched on folded names (see `foldFieldName`), singular and plural alike:
 * the boundary is about what a field means, and `Prompt`, `aiOutput`,
 * `sourceText`, `Embedding` or `tool​trace` mean the same as the canonical
 * spelling.
 */
const RAW = new Set<string>(
  RAW_CONTENT_FIELDS.flatMap((field) => {
    const folded = foldFieldName(field);
    return folded.endsWith("s") ? [folded, folded.slice(0, -1)] : [folded, `${folded}s`];
  }),
);

export const isRawContentField = (name: string): boolean => RAW.has(foldFieldName(name));

/**
 * The allowed shape of a body: `true` for a field whose value the schema
 * checks, `"any"` for free-form values (still scanned for raw-content
 * fields), a nested shape for an object, `[shape]` for an array of objects.
 */
export type FieldShape = true | "any" | AllowedFields | readonly [AllowedFields];
export interface AllowedFields {
  readonly [field: string]: FieldShape;
}

const isObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

export function rawContentPaths(value: unknown, path: string[] = []): string[] {
  if (Array.isArray(value)) return value.flatMap((item, i) => rawContentPaths(item, [...path, String(i)]));
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const here = [...path, key];
    return isRawContentField(key) ? [here.join(".")] : rawContentPaths(item, here);
  });
}

export function unknownFieldPaths(value: unknown, allowed: AllowedFields, path: string[] = []): string[] {
  if (!isObject(value)) return [];
  return Object.entries(value).flatMap(([key, item]) => {
    const here = [...path, key];
    const shape = Object.hasOwn(allowed, key) ? allowed[key] : undefined;
    if (shape === undefined) return [here.join(".")];
    if (shape === true || shape === "any") return [];
    if (Array.isArray(shape)) {
      const itemShape = (shape as readonly [AllowedFields])[0];
      return Array.isArray(item) ? item.flatMap((entry, i) => unknownFieldPaths(entry, itemShape, [...here, String(i)])) : [];
    }
    return unknownFieldPaths(item, shape as AllowedFields, here);
  });
}

/** Throws the 422 the body deserves, if any; raw content is named before unknown fields. */
export function enforceMetadataBoundary(body: unknown, allowed: AllowedFields): void {
  if (jsonDepthExceeds(body, MAX_BODY_DEPTH)) {
    throw new ApiError("validation_error", {
      message: `The body nests more than ${MAX_BODY_DEPTH} levels deep.`,
      details: [{ path: "(root)", message: `Nest at most ${MAX_BODY_DEPTH} levels deep.` }],
    });
  }
  const raw = rawContentPaths(body);
  if (raw.length > 0) {
    throw new ApiError("raw_content_rejected", {
      message: `Raw content is not accepted here; Kivo stores metadata only. Rejected: ${raw.join(", ")}.`,
      details: raw.map((path): ErrorDetail => ({ path, message: "Raw content field; keep it in your environment." })),
    });
  }
  const unknown = unknownFieldPaths(body, allowed);
  if (unknown.length > 0) {
    throw new ApiError("unknown_field", {
      message: `Only the documented metadata fields are accepted. Not allowed: ${unknown.join(", ")}.`,
      details: unknown.map((path): ErrorDetail => ({ path, message: "Not an accepted field." })),
    });
  }
}
