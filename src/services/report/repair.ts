import type { ClaimReport } from "../../schemas/review-artifacts.ts";

// The engine suggests a repair per contradicted claim (the claim with the
// conflicting value replaced by the source's), not a repaired output; a
// reviewer wants the whole answer to paste back, so it is assembled here from
// the report alone.

/** What the leakage check puts in place of a quote it could not trace; never worth pasting. */
const REDACTED = "[redacted]";

export interface RepairedOutput {
  text: string;
  /** Claims whose text was replaced, in output order. */
  claimIds: string[];
}

/**
 * The output with every suggested repair applied at its claim's offsets, or
 * null when there is none to apply. A repair whose offsets fall outside the
 * output, overlap an earlier one or whose text was redacted is left out rather
 * than guessed at.
 */
export function repairedOutput(output: string, report: ClaimReport): RepairedOutput | null {
  const repairs = report.unsupported_claims
    .filter(
      (item) =>
        item.suggested_repair !== null &&
        !item.suggested_repair.includes(REDACTED) &&
        item.output_start_offset < item.output_end_offset &&
        item.output_end_offset <= output.length,
    )
    .sort((a, b) => a.output_start_offset - b.output_start_offset);
  let text = "";
  let cursor = 0;
  const claimIds: string[] = [];
  for (const item of repairs) {
    if (item.output_start_offset < cursor) continue;
    text += output.slice(cursor, item.output_start_offset) + item.suggested_repair!;
    cursor = item.output_end_offset;
    claimIds.push(item.claim_id);
  }
  if (claimIds.length === 0) return null;
  return { text: text + output.slice(cursor), claimIds };
}
