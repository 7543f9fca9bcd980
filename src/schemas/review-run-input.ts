import { z } from "@hono/zod-openapi";
import { nullableRef } from "./nullable.ts";
import { IntendedUseSchema, StrictnessSchema } from "./enums.ts";
import { jsonDepthExceeds } from "../lib/json-depth.ts";
import { credentialKind, credentialMessage, refuseCredential } from "../lib/credential-patterns.ts";

/** Input limits (README, "Limits and billing"). */
export const LIMITS = {
  aiOutputChars: 20_000,
  sources: 50,
  sourceChars: 100_000,
  totalSourceChars: 1_000_000,
  titleChars: 300,
  questionChars: 2_000,
  metadataBytes: 4 * 1024,
  metadataKeys: 32,
  metadataDepth: 3,
  externalIdChars: 255,
  citationLabelChars: 100,
  uriChars: 2048,
} as const;

/**
 * The create body limit, sized from LIMITS so that every packet within them
 * fits, whatever its script: each character of text counted at 3 bytes (the
 * most one UTF-16 unit takes in UTF-8), URIs as ASCII, metadata at its own
 * byte limit, 64 KB for field names and punctuation; rounded up to whole MiB.
 * Only text spelled with `\u` escapes (6 bytes a character) could need more.
 */
export const PACKET_BODY_BYTES = (() => {
  const textChars =
    LIMITS.aiOutputChars +
    LIMITS.questionChars +
    LIMITS.totalSourceChars +
    LIMITS.sources * (LIMITS.titleChars + LIMITS.citationLabelChars) +
    LIMITS.externalIdChars;
  const worst = textChars * 3 + LIMITS.sources * LIMITS.uriChars + LIMITS.metadataBytes + 64 * 1024;
  const mib = 1024 * 1024;
  return Math.ceil(worst / mib) * mib;
})();

/** Not only whitespace (the characters `trim()` removes), as a pattern so the document states it too. */
export const NOT_BLANK = /\S/;

export const SourceInputSchema = z
  .strictObject({
    title: z.string().min(1).max(LIMITS.titleChars).regex(NOT_BLANK, "Must not be only whitespace.").superRefine(refuseCredential),
    content: z
      .string()
      .min(1)
      .max(LIMITS.sourceChars)
      .regex(NOT_BLANK, "Must not be only whitespace.")
      .openapi({ description: `The source text, 1–${LIMITS.sourceChars.toLocaleString("en")} characters.` }),
    uri: z.string().url().max(LIMITS.uriChars).nullable().optional(),
    citation_label: z
      .string()
      .min(1)
      .max(LIMITS.citationLabelChars)
      .superRefine(refuseCredential)
      .nullable()
      .optional()
      .openapi({ description: "How the output cites this source, e.g. `1` or `Refund policy`. Defaults to `source <n>`." }),
    media_type: z
      .enum(["text/plain", "text/markdown", "text/html"])
      .default("text/plain")
      .openapi({ description: "Sources are reviewed as text; markdown and HTML markup is kept as written." }),
  })
  .openapi("SourceInput");

function* strings(value: unknown, path: string[] = []): Generator<[string[], string]> {
  if (typeof value === "string") yield [path, value];
  else if (Array.isArray(value)) for (const [i, item] of value.entries()) yield* strings(item, [...path, String(i)]);
  else if (value && typeof value === "object")
    for (const [key, item] of Object.entries(value)) {
      yield [[...path, key], key];
      yield* strings(item, [...path, key]);
    }
}

/** JSON Schema of a metadata value that may hold `levels` more levels of arrays or objects. */
function metadataValueSchema(levels: number): Record<string, unknown> {
  const scalars = [{ type: "string" }, { type: "number" }, { type: "boolean" }, { type: "null" }];
  if (levels <= 0) return { anyOf: scalars };
  const inner = metadataValueSchema(levels - 1);
  return { anyOf: [...scalars, { type: "array", items: inner }, { type: "object", additionalProperties: inner }] };
}

export const MetadataInputSchema = z
  .record(z.string().max(100), z.unknown())
  .superRefine((metadata, ctx) => {
    // Checked first and without recursion: the walks below are only safe on shallow values.
    if (jsonDepthExceeds(metadata, LIMITS.metadataDepth)) {
      ctx.addIssue({ code: "custom", message: `Nest at most ${LIMITS.metadataDepth} levels deep.` });
      return;
    }
    const keys = Object.keys(metadata).length;
    if (keys > LIMITS.metadataKeys) ctx.addIssue({ code: "custom", message: `At most ${LIMITS.metadataKeys} keys (got ${keys}).` });
    const bytes = new TextEncoder().encode(JSON.stringify(metadata)).length;
    if (bytes > LIMITS.metadataBytes) ctx.addIssue({ code: "custom", message: `At most 4 KB serialized (got ${bytes} bytes).` });
    for (const [path, value] of strings(metadata)) {
      const kind = credentialKind(value);
      if (kind) ctx.addIssue({ code: "custom", path, message: credentialMessage(kind) });
    }
  })
  .openapi("MetadataInput", {
    // What the refinement enforces, spelled out for schema-driven clients: the
    // key count and length, and the depth as nested value schemas.
    maxProperties: LIMITS.metadataKeys,
    ...({ propertyNames: { maxLength: 100 } } as object),
    additionalProperties: metadataValueSchema(LIMITS.metadataDepth - 1),
    description: `Workflow metadata for traceability: at most ${LIMITS.metadataKeys} keys of at most 100 characters, ${LIMITS.metadataBytes / 1024} KB serialized, nested at most ${LIMITS.metadataDepth} levels deep (the object itself is the first). Values that look like credentials are rejected.`,
    example: { workflow: "support_answer" },
  });

/** One review packet: the create body, and each import row after defaults. */
export const ReviewRunInputSchema = z
  .strictObject({
    ai_output: z
      .string()
      .min(1)
      .max(LIMITS.aiOutputChars)
      .regex(NOT_BLANK, "Must not be only whitespace.")
      .openapi({ description: "The model output to review.", example: "Customers can request refunds for any order within 60 days, including international orders." }),
    sources: z
      .array(SourceInputSchema)
      .min(1)
      .max(LIMITS.sources)
      .superRefine((sources, ctx) => {
        const total = sources.reduce((sum, source) => sum + source.content.length, 0);
        if (total > LIMITS.totalSourceChars) {
          ctx.addIssue({ code: "custom", message: `All source content together must be at most ${LIMITS.totalSourceChars.toLocaleString("en")} characters (got ${total.toLocaleString("en")}).` });
        }
      })
      .openapi({
        description: `One to ${LIMITS.sources} supplied source documents, each at most ${LIMITS.sourceChars.toLocaleString("en")} characters and at most ${LIMITS.totalSourceChars.toLocaleString("en")} characters together.`,
      }),
    intended_use: IntendedUseSchema,
    strictness: StrictnessSchema.default("standard"),
    semantic_judge: z.enum(["auto", "off", "required"]).default("auto").openapi({
      description:
        "The optional semantic judge (a language model asked about the claims the deterministic engine is unsure of): `auto` uses the project's setting, `off` sends nothing to any model for this run, `required` refuses the run with `422 semantic_judge_unavailable` when no judge is configured, or `402 semantic_judge_budget_exhausted` when the organization's judge token budget for the period is used up; a judge that fails later still leaves the engine's verdict.",
    }),
    question: z.string().max(LIMITS.questionChars).nullable().optional(),
    metadata: nullableRef(MetadataInputSchema).optional(),
    external_id: z.string().min(1).max(LIMITS.externalIdChars).superRefine(refuseCredential).nullable().optional().openapi({
      description: "Your own ID for this output, to map results back (filter with `?external_id=`). A value that looks like a credential is refused.",
    }),
  })
  .openapi("CreateReviewRunRequest", {
    example: {
      ai_output: "Customers can request refunds for any order within 60 days, including international orders.",
      sources: [{ title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." }],
      intended_use: "customer_facing",
      strictness: "standard",
      metadata: { workflow: "support_answer", environment: "quickstart" },
    },
  });

export type ReviewRunInput = z.infer<typeof ReviewRunInputSchema>;
