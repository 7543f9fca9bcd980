import { z } from "@hono/zod-openapi";
import { nullableRef } from "../../schemas/nullable.ts";
import { GateVerdictValueSchema, IntendedUseSchema, RUN_STATUSES, SafeUseStatusSchema, StrictnessSchema } from "../../schemas/enums.ts";
import type { ResultLine } from "../../services/imports/results.ts";
import { CSV_FIELDS, IMPORT_MEDIA_TYPES, MAX_IMPORT_ROWS, NUMBERED_SOURCE_COLUMN, ROW_ERROR_CODES, ROW_MAX_DEPTH, isMappableField } from "../../services/imports/rows.ts";
import { jsonDepthExceeds } from "../../lib/json-depth.ts";
import { IMPORT_STATUSES } from "../../schemas/enums.ts";
import { ReviewRunInputSchema } from "../../schemas/review-run-input.ts";
import { RequestIdSchema, TimestampSchema } from "../../schemas/common.ts";
import { CREATE_IMPORT_EXAMPLE, IMPORT_EXAMPLE } from "./examples.ts";

export const ImportIdParamSchema = z.object({
  importId: z
    .string()
    .max(100)
    .openapi({ param: { name: "importId", in: "path" }, example: "import_01hw8894n1v3a9k5sx5v2t3q7b" }),
});

export const ImportMediaTypeSchema = z.enum(IMPORT_MEDIA_TYPES).openapi("ImportMediaType", {
  description: "The rows' format: JSON rows, JSON Lines (one row per line), or CSV with a header row.",
});

/** Documents one row; rows are validated one by one in the service, so that a bad row fails alone. */
export const ImportRowSchema = z
  .strictObject({
    ...ReviewRunInputSchema.shape,
    // The row's own description says what it defaults to: a description here would replace the shared IntendedUse one.
    intended_use: IntendedUseSchema.optional(),
  })
  .openapi("ImportRow", {
    description:
      "One row: the fields of `POST /v1/review-runs`, validated by the same rules. `intended_use` and `strictness` default to the request's values.",
    example: CREATE_IMPORT_EXAMPLE.rows[0],
  });

export const FieldMappingSchema = z
  .record(z.string(), z.string().min(1).max(200))
  .superRefine((mapping, ctx) => {
    for (const field of Object.keys(mapping)) {
      if (!isMappableField(field)) {
        ctx.addIssue({
          code: "custom",
          path: [field],
          message:
            "Not a row field: map external_id, question, ai_output, intended_use, strictness, metadata, sources, source_title, source_content, source_uri, source_citation_label or source_<n>_title/content/uri/citation_label.",
        });
      }
    }
  })
  .openapi("FieldMapping", {
    // The refinement above, for schema-driven clients (JSON Schema 2020-12; the library's types predate it).
    ...({ propertyNames: { anyOf: [{ enum: [...CSV_FIELDS] }, { pattern: NUMBERED_SOURCE_COLUMN.source }] } } as object),
    description:
      "Which column (CSV) or field name (JSON and JSON Lines rows) feeds which row field, when they are not named after the fields. Keys are fields, values are names as in the header or the rows. Flat source fields (`source_title`, `source_1_content`, …) build a source, added to any `sources` array; with a mapping, names neither mapped nor named after a field are ignored.",
    example: { external_id: "ticket_id", ai_output: "answer", source_title: "kb_title", source_content: "kb_article" },
  });

export const CreateImportRequestSchema = z
  .strictObject({
    media_type: ImportMediaTypeSchema.optional().openapi({
      description: "Optional with `rows` (JSON rows, whatever the original file was); required with `data`, to say how to read it.",
    }),
    rows: z
      .array(z.unknown())
      .min(1, "Send at least one row.")
      .max(MAX_IMPORT_ROWS, `At most ${MAX_IMPORT_ROWS.toLocaleString("en")} rows per import; split the file.`)
      .superRefine((rows, ctx) => {
        // Before anything walks the rows (the Idempotency-Key hash, the stored request): no row is this deep.
        for (const [i, row] of rows.entries()) {
          if (jsonDepthExceeds(row, ROW_MAX_DEPTH)) {
            ctx.addIssue({ code: "custom", path: [i], message: `A row nests at most ${ROW_MAX_DEPTH} levels deep; this is not an import row.` });
          }
        }
      })
      .optional()
      .openapi({
        description: `1–${MAX_IMPORT_ROWS.toLocaleString("en")} rows, each an ImportRow. Each row is validated on its own; a value nested more than ${ROW_MAX_DEPTH} levels deep refuses the request.`,
        items: { $ref: "#/components/schemas/ImportRow" },
      }),
    data: z.string().optional().openapi({
      description:
        "Instead of `rows`: the file itself as text — JSON Lines (`application/x-ndjson`), CSV with a header row (`text/csv`), or a JSON array of rows (`application/json`).",
    }),
    intended_use: IntendedUseSchema.optional().openapi({ description: "Default for rows without an `intended_use`." }),
    strictness: StrictnessSchema.optional().openapi({ description: "Default for rows without a `strictness` (otherwise `standard`)." }),
    field_mapping: FieldMappingSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if ((body.rows === undefined) === (body.data === undefined)) {
      ctx.addIssue({ code: "custom", path: ["rows"], message: "Send either rows or data, not both and not neither." });
    } else if (body.data !== undefined && body.media_type === undefined) {
      ctx.addIssue({ code: "custom", path: ["media_type"], message: "Say how to read data: application/json, application/x-ndjson or text/csv." });
    }
  })
  .openapi("CreateImportRequest", {
    example: CREATE_IMPORT_EXAMPLE,
    // The refinement above, for schema-driven clients: rows, or data with the media type that says how to read it.
    // Boolean subschemas are JSON Schema 2020-12 (the document is OpenAPI 3.1); the library's types predate them.
    ...({
      oneOf: [
        { title: "Rows", required: ["rows"], properties: { rows: true, data: false } },
        { title: "File as text", required: ["data", "media_type"], properties: { data: true, media_type: true, rows: false } },
      ],
    } as object),
  });

export const CreateImportQuerySchema = z.object({
  intended_use: IntendedUseSchema.optional().openapi({
    description: "Default `intended_use` for rows without one; useful with a raw JSONL or CSV body (a JSON body's own field wins).",
  }),
  strictness: StrictnessSchema.optional().openapi({ description: "Default `strictness` for rows without one." }),
  field_mapping: z
    .string()
    .max(4000)
    .optional()
    .openapi({
      description: "A FieldMapping as JSON, for a raw CSV or JSON Lines body.",
      example: '{"ai_output":"answer"}',
      ...({ contentMediaType: "application/json", contentSchema: { $ref: "#/components/schemas/FieldMapping" } } as object),
    }),
});

export const ImportValidationErrorSchema = z
  .object({
    row: z.number().int().openapi({ description: "The row's position in the import, from 1 (CSV: the record after the header).", example: 2 }),
    external_id: z.string().nullable(),
    path: z.string().openapi({ description: "The field within the row, `(row)` for the row as a whole.", example: "sources" }),
    code: z.enum(ROW_ERROR_CODES).openapi({
      description:
        "`invalid_json`: a JSONL line, or a CSV sources/metadata cell, is not JSON. `invalid_row`: not a JSON object, or a CSV record whose field count differs from the header or whose quotes are broken. `validation_error`: the review-run rules. `duplicate_external_id`: an earlier accepted row has the same external_id.",
    }),
    message: z.string(),
  })
  .openapi("ImportValidationError");

export const ImportStatusSchema = z.enum(IMPORT_STATUSES).openapi("ImportStatus", {
  description: [
    "`uploaded`: accepted and staged, its chunks not yet queued.",
    "`mapping_required`: stored, but the columns (or the JSON rows' field names) map to no `ai_output`, complete source or `intended_use`; see `mapping`, then send `POST /v1/imports/{importId}/field-mapping`. No run exists yet.",
    "`queued` → `processing`: a large import's runs are being created through the queue.",
    "`completed`: every accepted row has a review run.",
    "`failed`: no row was accepted, or creating the runs failed closed (see `error_code`).",
    "`cancelled`: `POST /v1/imports/{importId}/cancel` stopped it; no further runs are created and its queued runs were cancelled.",
  ].join(" "),
});

export const ImportMappingSchema = z
  .object({
    columns: z.array(z.string()).openapi({ description: "The CSV header, or the JSON rows' field names in order of first appearance (at most 100), as found.", example: ["ticket", "answer", "kb_title", "kb_text"] }),
    missing: z
      .array(z.object({ field: z.string().openapi({ example: "ai_output" }), message: z.string() }))
      .openapi({ description: "Each row field no column maps to, or mapping entry that names no column." }),
  })
  .openapi("ImportMapping");

export const ReviewProgressSchema = z
  .object({
    runs_created: z.number().int().openapi({ description: "Runs that exist for the import's rows." }),
    reviewed: z.number().int().openapi({ description: "Runs `completed`." }),
    failed: z.number().int().openapi({ description: "Runs `failed`." }),
    cancelled: z.number().int().openapi({ description: "Runs `cancelled`." }),
    pending: z.number().int().openapi({ description: "Runs still `queued` or `processing`." }),
    by_safe_use_status: z.record(SafeUseStatusSchema, z.number().int()).openapi({
      description: "Reviewed runs by `safe_use_status`; every status is listed, 0 when none.",
      example: { verified_for_use: 1, verified_with_limits: 0, needs_review: 0, needs_repair: 1, blocked: 0 },
    }),
    last_reviewed_at: TimestampSchema.nullable().openapi({ description: "When the most recent review finished (completed or failed)." }),
    all_reviewed: z.boolean().openapi({
      description: "The import is finished (`completed`, `failed` or `cancelled`) and none of its runs is pending: the batch is truly done.",
    }),
  })
  .openapi("ImportReviewProgress", {
    description: "How far the review of the import's runs has got; `status: completed` only says every accepted row has a run.",
  });

export const ImportSchema = z
  .object({
    id: z.string().openapi({ example: "import_01hw8894n1v3a9k5sx5v2t3q7b" }),
    project_id: z.string(),
    status: ImportStatusSchema,
    capture_method: z.literal("upload"),
    media_type: ImportMediaTypeSchema,
    row_count: z.number().int(),
    accepted_count: z.number().int(),
    rejected_count: z.number().int(),
    validation_errors: z.array(ImportValidationErrorSchema).openapi({
      description: "Why each rejected row was rejected (at most three entries per row).",
    }),
    created_at: TimestampSchema,
    updated_at: TimestampSchema,
    completed_at: TimestampSchema.nullable(),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
    mapping: ImportMappingSchema.nullable().openapi({ description: "While `mapping_required`: the columns found and the fields missing. Null otherwise." }),
    review_run_ids: z.array(z.string()).openapi({
      description: "The runs of the accepted rows, in row order; while `queued`/`processing`, the runs created so far.",
    }),
    review_progress: ReviewProgressSchema,
    request_id: RequestIdSchema,
  })
  .openapi("Import", { example: IMPORT_EXAMPLE });

export type ImportResponse = z.infer<typeof ImportSchema>;
export type CreateImportRequest = z.infer<typeof CreateImportRequestSchema>;

export const ImportSummarySchema = ImportSchema.omit({ validation_errors: true, review_run_ids: true, review_progress: true, request_id: true }).openapi("ImportSummary");

export const ListImportsQuerySchema = z.object({
  limit: z.coerce.number().int().min(1).max(100).default(20).openapi({ example: 20 }),
  cursor: z.string().max(512).optional(),
  status: ImportStatusSchema.optional(),
});

export const ImportListSchema = z
  .object({
    items: z.array(ImportSummarySchema),
    next_cursor: z.string().nullable(),
    has_more: z.boolean(),
    request_id: RequestIdSchema,
  })
  .openapi("ImportList");

export const FieldMappingRequestSchema = z
  .strictObject({
    field_mapping: FieldMappingSchema,
    intended_use: IntendedUseSchema.optional().openapi({ description: "Default for rows without an `intended_use`; replaces the import's." }),
    strictness: StrictnessSchema.optional().openapi({ description: "Default for rows without a `strictness`; replaces the import's." }),
  })
  .openapi("ImportFieldMappingRequest", {
    example: { field_mapping: { external_id: "ticket", ai_output: "answer", source_title: "kb_title", source_content: "kb_text" }, intended_use: "internal_draft" },
  });

/**
 * One line of `GET /v1/imports/{importId}/results`, registered as a component
 * so clients generate its type (the answer itself is JSON Lines or CSV text).
 */
export const ImportResultLineSchema = z
  .object({
    row: z.number().int().min(1).openapi({ description: "The row's number in the import, from 1." }),
    external_id: z.string().nullable(),
    review_run_id: z.string().nullable().openapi({ description: "Null for a rejected row or one whose run was never created." }),
    status: z.enum([...RUN_STATUSES, "rejected", "not_created"]).openapi({
      description: "The run's status, `rejected` (the row failed validation) or `not_created` (the import stopped before its run).",
    }),
    // nullableRef, not .nullable(): that would make the shared components themselves nullable (see schemas/nullable.ts).
    safe_use_status: nullableRef(SafeUseStatusSchema),
    verdict: nullableRef(GateVerdictValueSchema),
    claim_count: z.number().int().nullable().openapi({ description: "Null until the run is completed." }),
    unsupported_claim_count: z.number().int().nullable(),
    reasons: z.array(z.object({ code: z.string(), message: z.string() })).openapi({ description: "The gate verdict's first three reasons." }),
    error_code: z.string().nullable(),
    error_message: z.string().nullable(),
  })
  .strict()
  .openapi("ImportResultLine") satisfies z.ZodType<ResultLine>;
