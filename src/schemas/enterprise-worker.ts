import { z } from "@hono/zod-openapi";
import { GateVerdictValueSchema, IntendedUseSchema, RunStatusSchema, StrictnessSchema } from "./enums.ts";
import type { AllowedFields } from "../lib/metadata-boundary.ts";
import { HASH_PATTERN, EnterpriseWorkerDetailsSchema } from "./enterprise-worker-details.ts";
import { credentialKind, credentialMessage, refuseCredential } from "../lib/credential-patterns.ts";
import { ReviewRunSummarySchema } from "./review-run.ts";
import { NOT_BLANK } from "./review-run-input.ts";
import { RequestIdSchema, TimestampSchema } from "./common.ts";

export const DEFAULT_CREDENTIAL_TTL_SECONDS = 86_400;
export const MIN_CREDENTIAL_TTL_SECONDS = 60;
export const MAX_CREDENTIAL_TTL_SECONDS = 604_800;

/** What a verified worker credential proves; the event routes act on these instead of an API key. */
export interface WorkerCredentialClaims {
  reviewRunId: string;
  projectId: string;
  credentialId: string;
  expiresAt: string;
}

export const CREATE_SCHEMA_VERSION = "kivo_private_worker_review_run_create.v1";

/** Metadata strings are short: long text is how raw content would leak in. */
export const MAX_METADATA_STRING = 256;
const MAX_SOURCES = 50;
const MAX_LIST_ITEMS = 50;

/** Every ID, label and pointer is stored and echoed back, so none may carry a credential. */
const ShortString = z
  .string()
  .min(1)
  .max(MAX_METADATA_STRING)
  .regex(NOT_BLANK, "Must not be only whitespace.")
  .superRefine(refuseCredential);

const Hash = z
  .string()
  .regex(HASH_PATTERN, "Must be `sha256:` followed by 64 lowercase hex digits.")
  .openapi({ example: `sha256:${"9f37b0f8".repeat(8)}` });

/** Category and kind names are identifiers, so free text cannot ride along in them. */
const Identifier = z
  .string()
  .regex(/^[a-z][a-z0-9_.-]{0,63}$/, "Must be a lowercase identifier (letters, digits, `_`, `.`, `-`; at most 64).");

const EnterpriseWorkerMetadataSchema = z
  .record(z.string().min(1).max(100), z.union([z.string().max(MAX_METADATA_STRING), z.number(), z.boolean(), z.null()]))
  .superRefine((metadata, ctx) => {
    const keys = Object.keys(metadata).length;
    if (keys > 32) ctx.addIssue({ code: "custom", message: `At most 32 keys (got ${keys}).` });
    const bytes = new TextEncoder().encode(JSON.stringify(metadata)).length;
    if (bytes > 4096) ctx.addIssue({ code: "custom", message: `At most 4 KB serialized (got ${bytes} bytes).` });
    for (const [key, value] of Object.entries(metadata)) {
      const kind = credentialKind(key) ?? (typeof value === "string" ? credentialKind(value) : null);
      if (kind) ctx.addIssue({ code: "custom", path: [key], message: credentialMessage(kind) });
    }
  })
  .openapi("PrivateWorkerMetadata", {
    maxProperties: 32,
    // JSON Schema 2020-12 (the document is OpenAPI 3.1); the library's types predate it.
    ...({ propertyNames: { minLength: 1, maxLength: 100 } } as object),
    description: `Flat workflow metadata: at most 32 keys and 4 KB; values are strings of at most ${MAX_METADATA_STRING} characters, numbers, booleans or null. Values that look like credentials are refused.`,
    example: { environment: "production", team: "support" },
  });

export const CreateEnterpriseWorkerRunBodySchema = z
  .strictObject({
    schema_version: z.literal(CREATE_SCHEMA_VERSION),
    customer_run_id: ShortString.openapi({ description: "Your own ID for the run.", example: "acme-support-2026-11-22-001" }),
    workflow_id: ShortString.optional(),
    workflow_name: ShortString.optional(),
    title: ShortString.optional(),
    intended_use: IntendedUseSchema,
    strictness: StrictnessSchema.default("standard"),
    source_count: z
      .number()
      .int()
      .min(1)
      .max(MAX_SOURCES)
      .optional()
      .openapi({ description: "Defaults to the number of `source_hashes` (0 when neither is given); when both are sent, it must equal that number." }),
    source_hashes: z.array(Hash).max(MAX_SOURCES).optional(),
    output_hash: Hash.optional(),
    worker_id: ShortString.optional(),
    worker_version: ShortString.optional(),
    policy_version: ShortString.optional(),
    storage_pointers: z
      .array(ShortString)
      .max(MAX_LIST_ITEMS)
      .optional()
      .openapi({ description: "Opaque labels of where your worker keeps the run's artifacts.", example: ["s3://acme-kivo-reports/run-001/"] }),
    credential_ttl_seconds: z
      .number()
      .int()
      .min(MIN_CREDENTIAL_TTL_SECONDS)
      .max(MAX_CREDENTIAL_TTL_SECONDS)
      .default(DEFAULT_CREDENTIAL_TTL_SECONDS),
    metadata: EnterpriseWorkerMetadataSchema.optional(),
  })
  .superRefine((body, ctx) => {
    if (body.source_count !== undefined && body.source_hashes !== undefined && body.source_hashes.length !== body.source_count) {
      ctx.addIssue({ code: "custom", path: ["source_count"], message: "Must equal the number of source_hashes." });
    }
  })
  .openapi("CreatePrivateWorkerRunBody", {
    example: {
      schema_version: CREATE_SCHEMA_VERSION,
      customer_run_id: "acme-support-2026-11-22-001",
      workflow_id: "support_answer",
      intended_use: "customer_facing",
      strictness: "standard",
      source_count: 1,
      source_hashes: [`sha256:${"9f37b0f8".repeat(8)}`],
      output_hash: `sha256:${"4c1d2e3f".repeat(8)}`,
      worker_version: "kivo-worker/0.1.0",
      credential_ttl_seconds: 3600,
    },
  });

export const RotateCredentialBodySchema = z
  .strictObject({
    credential_ttl_seconds: z
      .number()
      .int()
      .min(MIN_CREDENTIAL_TTL_SECONDS)
      .max(MAX_CREDENTIAL_TTL_SECONDS)
      .optional()
      .openapi({ description: "Defaults to the TTL the run was created with." }),
  })
  .openapi("RotateWorkerCredentialBody");

export const ArtifactSummaryInputSchema = z.strictObject({
  kind: Identifier.openapi({ example: "claim_report" }),
  count: z.number().int().min(0).max(1_000_000).optional(),
  sha256: Hash.optional(),
  storage_pointer: ShortString.optional(),
});

const COUNT = z.number().int().min(0).max(1_000_000);

const IMPLIED_STATUS = { status: "processing", completed: "completed", failed: "failed" } as const;

export const WorkerEventBodySchema = z
  .strictObject({
    event_type: z.enum(["status", "completed", "failed"]),
    event_id: z
      .string()
      .regex(/^[A-Za-z0-9._:-]{1,128}$/, "Must be 1–128 letters, digits, `.`, `_`, `:` or `-`.")
      .openapi({ description: "Chosen by the worker; a retry with the same ID answers the first result again.", example: "evt_01hw87k7ksmx3q6wfz9pmy9m2d" }),
    occurred_at: z.iso.datetime({ offset: true }).optional(),
    review_run_id: z.string().max(MAX_METADATA_STRING).superRefine(refuseCredential).optional().openapi({ description: "If present, must be the run in the path." }),
    customer_run_id: ShortString.optional().openapi({ description: "If present, must be the run's `customer_run_id`." }),
    status: RunStatusSchema.optional().openapi({ description: "If present, the status the event implies: `processing`, `completed` or `failed`." }),
    gate_verdict: GateVerdictValueSchema.optional().openapi({ description: "Required on `completed`, refused on other events." }),
    claim_count: COUNT.optional(),
    unsupported_claim_count: COUNT.optional(),
    source_hashes: z.array(Hash).max(MAX_SOURCES).optional(),
    output_hash: Hash.optional(),
    worker_version: ShortString.optional(),
    policy_version: ShortString.optional(),
    redacted_failure_categories: z.array(Identifier).min(1).max(20).optional().openapi({ example: ["engine_error"] }),
    artifact_summaries: z.array(ArtifactSummaryInputSchema).max(MAX_LIST_ITEMS).optional(),
  })
  .superRefine((event, ctx) => {
    const require = (field: keyof typeof event, why: string) => {
      if (event[field] === undefined) ctx.addIssue({ code: "custom", path: [field], message: `Required on a ${why} event.` });
    };
    const refuse = (field: keyof typeof event) => {
      if (event[field] !== undefined) {
        ctx.addIssue({ code: "custom", path: [field], message: `Not accepted on a ${event.event_type} event.` });
      }
    };
    if (event.event_type === "completed") {
      require("gate_verdict", "completed");
      require("claim_count", "completed");
      require("unsupported_claim_count", "completed");
      refuse("redacted_failure_categories");
      if (
        event.claim_count !== undefined &&
        event.unsupported_claim_count !== undefined &&
        event.unsupported_claim_count > event.claim_count
      ) {
        ctx.addIssue({ code: "custom", path: ["unsupported_claim_count"], message: "Cannot exceed claim_count." });
      }
    } else {
      refuse("gate_verdict");
      refuse("claim_count");
      refuse("unsupported_claim_count");
      if (event.event_type === "failed") require("redacted_failure_categories", "failed");
      else refuse("redacted_failure_categories");
    }
    if (event.status !== undefined && event.status !== IMPLIED_STATUS[event.event_type]) {
      ctx.addIssue({
        code: "custom",
        path: ["status"],
        message: `A ${event.event_type} event moves the run to \`${IMPLIED_STATUS[event.event_type]}\`.`,
      });
    }
  })
  .openapi("WorkerEventBody", {
    // The refinement above, per event type, for schema-driven clients (JSON Schema 2020-12 booleans; the library's types predate them).
    ...({
      oneOf: [
        {
          title: "Status",
          required: ["event_type"],
          properties: { event_type: { const: "status" }, status: { const: "processing" }, gate_verdict: false, claim_count: false, unsupported_claim_count: false, redacted_failure_categories: false },
        },
        {
          title: "Completed",
          required: ["event_type", "gate_verdict", "claim_count", "unsupported_claim_count"],
          properties: { event_type: { const: "completed" }, status: { const: "completed" }, redacted_failure_categories: false },
        },
        {
          title: "Failed",
          required: ["event_type", "redacted_failure_categories"],
          properties: { event_type: { const: "failed" }, status: { const: "failed" }, gate_verdict: false, claim_count: false, unsupported_claim_count: false },
        },
      ],
    } as object),
    description:
      "One worker event. `unsupported_claim_count` cannot exceed `claim_count`; `review_run_id`, `customer_run_id`, `source_hashes` and `output_hash`, when sent, must be the run's (as declared when it was created).",
    example: {
      event_type: "completed",
      event_id: "evt_01hw87k7ksmx3q6wfz9pmy9m2d",
      occurred_at: "2026-11-22T16:20:24.000Z",
      gate_verdict: "needs_repair",
      claim_count: 1,
      unsupported_claim_count: 1,
      output_hash: `sha256:${"4c1d2e3f".repeat(8)}`,
      worker_version: "kivo-worker/0.1.0",
      policy_version: "gate-policy.2026-11-22.v1",
      artifact_summaries: [{ kind: "claim_report", count: 1, storage_pointer: "s3://acme-kivo-reports/run-001/claim-report.json" }],
    },
  });

/** Allowlists for the boundary check; they mirror the strict schemas above. */
export const CREATE_ALLOWED_FIELDS: AllowedFields = Object.fromEntries(
  Object.keys(CreateEnterpriseWorkerRunBodySchema.shape).map((field) => [field, field === "metadata" ? "any" : true]),
);
export const ROTATE_ALLOWED_FIELDS: AllowedFields = { credential_ttl_seconds: true };
export const EVENT_ALLOWED_FIELDS: AllowedFields = {
  ...Object.fromEntries(Object.keys(WorkerEventBodySchema.shape).map((field) => [field, true])),
  artifact_summaries: [Object.fromEntries(Object.keys(ArtifactSummaryInputSchema.shape).map((field) => [field, true]))],
};

export const IMPLIED_RUN_STATUS = IMPLIED_STATUS;

export type CreateEnterpriseWorkerRunBody = z.infer<typeof CreateEnterpriseWorkerRunBodySchema>;
export type WorkerEventBody = z.infer<typeof WorkerEventBodySchema>;

export const EnterpriseWorkerRunSchema = ReviewRunSummarySchema.extend({
  private_worker: EnterpriseWorkerDetailsSchema,
}).openapi("PrivateWorkerRun", {
  description: "A metadata-only run: no output, sources, spans or report are held by Kivo.",
});

export const IssuedWorkerCredentialSchema = z
  .object({
    token: z.string().openapi({
      description: "The run-scoped credential. Shown only in this response; Kivo keeps only its ID.",
      example: "kivo_wrk_eyJ2IjoxLCJydW4iOiJydW5f….Zm9yZ2VkLXNpZ25hdHVyZQ",
    }),
    credential_id: z.string().openapi({ example: "wcred_01hw87ffx88w7m4a4qn1v2z7g0" }),
    expires_at: TimestampSchema,
    events_url: z.string().url().openapi({
      example: "https://api.trykivo.co/v1/private-worker/review-runs/run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f/events",
    }),
  })
  .openapi("IssuedWorkerCredential");

export const CreatedEnterpriseWorkerRunSchema = z
  .object({
    review_run: EnterpriseWorkerRunSchema,
    worker_credential: IssuedWorkerCredentialSchema.nullable().openapi({
      description:
        "The run's credential. Always present on the first answer; an `Idempotency-Key` replay carries a newly issued one, or `null` once the run has finished or its credentials were revoked.",
    }),
    request_id: RequestIdSchema,
  })
  .openapi("CreatedPrivateWorkerRun");

export const RotatedCredentialSchema = z
  .object({
    review_run_id: z.string(),
    worker_credential: IssuedWorkerCredentialSchema,
    request_id: RequestIdSchema,
  })
  .openapi("RotatedWorkerCredential");

export const RevokedCredentialSchema = z
  .object({
    review_run_id: z.string(),
    credential: EnterpriseWorkerDetailsSchema.shape.credential,
    request_id: RequestIdSchema,
  })
  .openapi("RevokedWorkerCredential");

export const WorkerEventResultSchema = z
  .object({
    review_run_id: z.string(),
    event_id: z.string(),
    event_type: z.enum(["status", "completed", "failed"]),
    status: RunStatusSchema.openapi({ description: "The run's status right after this event." }),
    received_at: TimestampSchema,
    replayed: z.boolean().openapi({ description: "True when this `event_id` was already applied and this is its first result again." }),
    request_id: RequestIdSchema,
  })
  .openapi("WorkerEventResult");

export type WorkerEventResult = z.infer<typeof WorkerEventResultSchema>;
