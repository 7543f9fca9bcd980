import type { IntendedUse, Strictness } from "../../src/schemas/enums.ts";
import { runReview, type ReviewInput, type ReviewResult } from "../../src/review/index.ts";

export const RUN_ID = "run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f";
export const NOW = "2026-04-27T16:20:24.000Z";

export interface SourceSpec {
  title: string;
  content: string;
  citation_label?: string;
}

export function reviewInput(
  aiOutput: string,
  sources: ReadonlyArray<SourceSpec>,
  options: { question?: string | null; intended_use?: IntendedUse; strictness?: Strictness } = {},
): ReviewInput {
  return {
    review_run_id: RUN_ID,
    ai_output: aiOutput,
    question: options.question ?? null,
    sources: sources.map((s, i) => ({
      id: `${RUN_ID}_source_${i + 1}`,
      title: s.title,
      content: s.content,
      uri: null,
      citation_label: s.citation_label ?? `source ${i + 1}`,
      media_type: "text/plain",
    })),
    intended_use: options.intended_use ?? "customer_facing",
    strictness: options.strictness ?? "standard",
    gate_mode: "advisory",
    now: NOW,
  };
}

export function review(
  aiOutput: string,
  sources: ReadonlyArray<SourceSpec>,
  options: { question?: string | null; intended_use?: IntendedUse; strictness?: Strictness } = {},
): ReviewResult {
  return runReview(reviewInput(aiOutput, sources, options));
}

export const REFUND_POLICY: SourceSpec = { title: "Refund policy", content: "Customers may request a refund within 30 days of purchase." };
export const ADMIN_GUIDE: SourceSpec = { title: "Admin guide", content: "Admins can export audit logs from the security workspace." };
