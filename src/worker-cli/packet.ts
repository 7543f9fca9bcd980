import { readFile } from "node:fs/promises";
import { z } from "zod";
import { INTENDED_USES, STRICTNESS_LEVELS } from "../schemas/enums.ts";
import { CliError } from "./errors.ts";

// The packet the worker reviews: the hosted create body (POST /v1/review-runs) plus the
// run's metadata. It never leaves the customer's machine; only its hashes do.
// Limits are the hosted ones (LIMITS in schemas/review-run-input.ts), so a packet that passes here would
// pass there too.

const notBlank = (value: string) => value.trim().length > 0;
const label = z.string().min(1).max(256).refine(notBlank, "Must not be only whitespace.");

const SourceSchema = z.strictObject({
  title: z.string().min(1).max(300).refine(notBlank, "Must not be only whitespace."),
  content: z.string().min(1).max(100_000).refine(notBlank, "Must not be only whitespace."),
  uri: z.string().max(2048).nullable().optional(),
  citation_label: z.string().min(1).max(100).nullable().optional(),
  media_type: z.enum(["text/plain", "text/markdown", "text/html"]).default("text/plain"),
});

export const PacketSchema = z
  .strictObject({
    ai_output: z.string().min(1).max(20_000).refine(notBlank, "Must not be only whitespace."),
    sources: z.array(SourceSchema).min(1).max(50),
    intended_use: z.enum(INTENDED_USES),
    strictness: z.enum(STRICTNESS_LEVELS).default("standard"),
    question: z.string().max(2_000).nullable().optional(),
    customer_run_id: label.optional(),
    external_id: label.optional(),
    title: label.optional(),
    workflow_id: label.optional(),
    workflow_name: label.optional(),
    metadata: z.record(z.string(), z.union([z.string().max(256), z.number(), z.boolean(), z.null()])).optional(),
  })
  .refine((packet) => packet.sources.reduce((n, s) => n + s.content.length, 0) <= 1_000_000, {
    message: "All source content together must be at most 1,000,000 characters.",
    path: ["sources"],
  });

export type Packet = z.infer<typeof PacketSchema>;

/** Reads and validates a packet; errors name the file and field paths, never the text. */
export async function readPacket(path: string): Promise<Packet> {
  let raw: string;
  try {
    raw = await readFile(path, "utf8");
  } catch (error) {
    const code = (error as { code?: string }).code ?? "unreadable";
    throw new CliError(`cannot read the packet file ${path} (${code})`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw new CliError(`the packet file ${path} is not valid JSON`);
  }
  const result = PacketSchema.safeParse(parsed);
  if (!result.success) {
    const problems = result.error.issues.map((issue) => `  ${issue.path.join(".") || "(root)"}: ${issue.message}`);
    throw new CliError(`the packet file ${path} is not a valid packet:\n${problems.join("\n")}`);
  }
  return result.data;
}
