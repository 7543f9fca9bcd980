import { type OpenAPIHono, z } from "@hono/zod-openapi";
import type { AppEnv } from "../../env.ts";
import { authOf, tenantDbOf } from "../../middleware/auth.ts";
import { RESULT_COLUMNS, RESULT_FORMATS, type ResultFormat, importResults } from "../../services/imports/results.ts";
import { findImport } from "../../services/imports/store.ts";
import { defineRoute } from "../define.ts";
import { RESULTS_CSV_EXAMPLE, RESULTS_JSONL_EXAMPLE } from "./examples.ts";
import { ImportIdParamSchema, ImportResultLineSchema } from "./schema.ts";
import { IMPORT_READ_SCOPES } from "./scopes.ts";

const MEDIA_TYPES: Record<ResultFormat, string> = { jsonl: "application/x-ndjson", csv: "text/csv; charset=utf-8" };

const QuerySchema = z.object({
  format: z.enum(RESULT_FORMATS).optional().openapi({ description: "Overrides the `Accept` header: `jsonl` (the default) or `csv`." }),
  from_row: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .openapi({ description: "Start at this row (from 1), to resume an interrupted download. A CSV still starts with its header.", example: 1 }),
});

/** `?format=` wins; otherwise the first type of the Accept header we can serve. */
function negotiate(format: ResultFormat | undefined, accept: string | undefined): ResultFormat {
  if (format) return format;
  for (const type of (accept ?? "").split(",").map((part) => part.split(";")[0]!.trim().toLowerCase())) {
    if (type === "text/csv") return "csv";
    if (type === "application/x-ndjson" || type === "application/jsonl") return "jsonl";
  }
  return "jsonl";
}

export const getImportResultsRoute = defineRoute({
  method: "get",
  path: "/v1/imports/{importId}/results",
  operationId: "getImportResults",
  tags: ["Imports"],
  summary: "Export an import's results, one line per row",
  description: [
    `One line per row of the import, in row order, keyed by \`external_id\`: ${RESULT_COLUMNS.map((c) => `\`${c}\``).join(", ")}. Each JSON line is an \`ImportResultLine\`.`,
    "`status` is the row's run status, `rejected` for a row that failed validation (its `error_code` and `error_message` say why), or `not_created` when the import stopped before the row's run was created; each carries the row's `external_id`. `reasons` are the gate verdict's first three reasons (`code: message; …` in CSV). Claim counts are null until the run is completed.",
    "JSON Lines by default, CSV (RFC 4180, with a header row) with `?format=csv` or `Accept: text/csv`. The answer is streamed; `from_row` resumes an interrupted download. Read it again as runs finish: lines change from `queued` to `completed`.",
  ].join("\n\n"),
  auth: { apiKey: IMPORT_READ_SCOPES },
  errors: ["not_found"],
  request: { params: ImportIdParamSchema, query: QuerySchema },
  responses: {
    200: {
      description: "The results, streamed.",
      content: {
        "application/x-ndjson": {
          // JSON Schema's contentSchema: the text decodes to ImportResultLine objects, one per line.
          schema: z.string().openapi({ contentSchema: { $ref: "#/components/schemas/ImportResultLine" } } as object),
          example: RESULTS_JSONL_EXAMPLE,
        },
        "text/csv": { schema: z.string(), example: RESULTS_CSV_EXAMPLE },
      },
    },
  },
});

export function registerGetImportResults(app: OpenAPIHono<AppEnv>) {
  app.openAPIRegistry.register("ImportResultLine", ImportResultLineSchema);
  app.openapi(getImportResultsRoute, async (c) => {
    const db = tenantDbOf(c);
    const row = await findImport(db, authOf(c).projectId, c.req.valid("param").importId);
    const query = c.req.valid("query");
    const format = negotiate(query.format, c.req.header("Accept"));
    return c.body(importResults(db, c.env.SOURCES, row, format, query.from_row), 200, {
      "Content-Type": MEDIA_TYPES[format],
      "Content-Disposition": `attachment; filename="${row.id}-results.${format}"`,
    });
  });
}
