import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { ApiError, issuesToDetails } from "../../errors.ts";
import { authOf, tenantOf } from "../../middleware/auth.ts";
import { IdempotencyKeyHeaderSchema } from "../../schemas/common.ts";
import { MAX_IMPORT_ROWS, type ImportRequest } from "../../services/imports/rows.ts";
import { CHUNK_MAX_ROWS, CHUNK_MAX_SOURCES, createImport } from "../../services/imports/create.ts";
import { MB, defineRoute, linksTo } from "../define.ts";
import { createOnce } from "../idempotent-create.ts";
import { CSV_EXAMPLE, IMPORT_EXAMPLE, JSONL_EXAMPLE } from "./examples.ts";
import { rawImportBody } from "./raw-body.ts";
import {
  type CreateImportRequest,
  type ImportResponse,
  CreateImportQuerySchema,
  CreateImportRequestSchema,
  FieldMappingSchema,
  ImportSchema,
} from "./schema.ts";

export const createImportRoute = defineRoute({
  method: "post",
  path: "/v1/imports",
  operationId: "createImport",
  tags: ["Imports"],
  summary: "Import a batch of AI outputs",
  description: [
    `Turns 1–${MAX_IMPORT_ROWS.toLocaleString("en")} rows into review runs (\`capture_method: "upload"\`, with \`external_id\` and \`import_id\`). Send JSON \`{"media_type", "rows"}\`, JSON \`{"media_type", "data"}\` with the file as text, or the file itself as an \`application/x-ndjson\` or \`text/csv\` body (defaults then go in the query string).`,
    "Each row is validated on its own by the rules of `POST /v1/review-runs`: rejected rows are listed in `validation_errors` and the others become runs. A later row with an `external_id` already accepted in the same import is rejected. CSV carries sources as a JSON `sources` column, as `source_title`/`source_content`, or as `source_1_title`, `source_1_content`, …; headers that map to no `ai_output`, no complete source or no `intended_use` store the import as `mapping_required` (its `mapping` lists the columns found and the fields missing) and create no run until `POST /v1/imports/{importId}/field-mapping` supplies the mapping. JSON and JSON Lines rows do the same when they use field names that are not row fields and, among all rows, none gives `ai_output`, `sources` or `intended_use`; a `field_mapping` then renames their fields (other names are ignored).",
    `An import whose accepted rows fit one chunk (at most ${CHUNK_MAX_ROWS} rows and ${CHUNK_MAX_SOURCES} sources) answers \`completed\` with every \`review_run_ids\`. A larger one answers \`queued\` and creates its runs through the queue, chunk by chunk (\`uploaded\` → \`queued\` → \`processing\` → \`completed\`): poll \`GET /v1/imports/{importId}\`, and list its runs with \`GET /v1/review-runs?import_id=\`. \`POST /v1/imports/{importId}/cancel\` stops it.`,
    "Accepted rows count against the monthly allowance; an import that does not fit is refused whole with 402.",
  ].join("\n\n"),
  auth: { apiKey: "imports:create" },
  errors: ["idempotency_key_reused", "usage_limit_exceeded", "service_unavailable"],
  maxBodyBytes: 10 * MB,
  extraMiddleware: [rawImportBody],
  request: {
    headers: IdempotencyKeyHeaderSchema,
    query: CreateImportQuerySchema,
    body: {
      required: true,
      description: "At most 10 MB.",
      content: {
        "application/json": { schema: CreateImportRequestSchema },
        "application/x-ndjson": {
          schema: z.string().openapi({ description: "JSON Lines: one ImportRow per line; blank lines are skipped." }),
          example: JSONL_EXAMPLE,
        },
        "text/csv": {
          schema: z.string().openapi({ description: "RFC 4180 CSV, UTF-8, with a header row." }),
          example: CSV_EXAMPLE,
        },
      },
    },
  },
  responses: {
    202: {
      description:
        "The import was accepted: `completed` with its runs, `queued` for a large one, `mapping_required` when its columns need a field mapping, or `failed` when no row passed validation.",
      content: { "application/json": { schema: ImportSchema, example: IMPORT_EXAMPLE } },
      links: linksTo({
        getImport: { importId: "$response.body#/id" },
        getImportResults: { importId: "$response.body#/id" },
        cancelImport: { importId: "$response.body#/id" },
      }),
    },
  },
});

/** The body's own defaults win over the query string's, which exist for raw bodies. */
function importRequestOf(body: CreateImportRequest, query: z.infer<typeof CreateImportQuerySchema>): ImportRequest {
  let fieldMapping = body.field_mapping;
  if (fieldMapping === undefined && query.field_mapping !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(query.field_mapping);
    } catch {
      throw new ApiError("validation_error", {
        message: "The request query string failed validation.",
        details: [{ path: "field_mapping", message: 'Must be a JSON object, e.g. {"ai_output":"answer"}.' }],
      });
    }
    const mapping = FieldMappingSchema.safeParse(parsed);
    if (!mapping.success) {
      throw new ApiError("validation_error", {
        message: "The request query string failed validation.",
        details: issuesToDetails(mapping.error.issues, ["field_mapping"]),
      });
    }
    fieldMapping = mapping.data;
  }
  return {
    // validation guarantees media_type with data; rows without one are JSON rows, the shape most callers send first.
    media_type: body.media_type ?? "application/json",
    ...(body.rows !== undefined ? { rows: body.rows } : {}),
    ...(body.data !== undefined ? { data: body.data } : {}),
    ...((body.intended_use ?? query.intended_use) ? { intended_use: body.intended_use ?? query.intended_use } : {}),
    ...((body.strictness ?? query.strictness) ? { strictness: body.strictness ?? query.strictness } : {}),
    ...(fieldMapping ? { field_mapping: fieldMapping } : {}),
  };
}

export function registerCreateImport(app: OpenAPIHono<AppEnv>) {
  app.openapi(createImportRoute, async (c) => {
    const auth = authOf(c);
    const request = importRequestOf(c.req.valid("json") as CreateImportRequest, c.req.valid("query"));
    const headers = c.req.valid("header");
    const requestId = c.get("requestId");

    const { body } = await createOnce<ImportResponse>(
      c,
      { operation: "POST /v1/imports", key: headers["idempotency-key"], request },
      async (claim) => ({
        status: 202,
        body: await createImport(tenantOf(c), auth, request, requestId, (answer) => claim.storeAnswer({ status: 202, body: answer })),
      }),
    );
    return c.json(body, 202);
  });
}
