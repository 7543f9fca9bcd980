import { describe, expect, it } from "vitest";
import { repairedOutput } from "../../src/services/report/repair.ts";
import type { ClaimReport, UnsupportedClaimItem } from "../../src/schemas/review-artifacts.ts";

const OUTPUT = "Refunds within 60 days. Shipping takes 9 days. Support answers in 2 hours.";

function item(text: string, repair: string | null, overrides: Partial<UnsupportedClaimItem> = {}): UnsupportedClaimItem {
  const start = OUTPUT.indexOf(text);
  return {
    claim_id: `claim_${start}`,
    claim_text: text,
    support_status: repair === null ? "unsupported" : "contradicted",
    output_start_offset: start,
    output_end_offset: start + text.length,
    source_span_id: null,
    source_quote: null,
    reviewer_follow_up: "",
    suggested_repair: repair,
    ...overrides,
  };
}

const report = (items: UnsupportedClaimItem[]) => ({ unsupported_claims: items }) as unknown as ClaimReport;

describe("the repaired answer", () => {
  it("applies every suggested repair at its claim's offsets, in output order", () => {
    const result = repairedOutput(OUTPUT, report([item("Support answers in 2 hours", "Support answers in 4 hours"), item("Refunds within 60 days", "Refunds within 30 days")]));
    expect(result).toEqual({
      text: "Refunds within 30 days. Shipping takes 9 days. Support answers in 4 hours.",
      claimIds: [`claim_0`, `claim_${OUTPUT.indexOf("Support")}`],
    });
  });

  it("leaves out repairs it cannot apply safely, and offers nothing when none is left", () => {
    const first = item("Refunds within 60 days", "Refunds within 30 days");
    const result = repairedOutput(
      OUTPUT,
      report([
        first,
        // Overlaps the first.
        item("Refunds within 60 days", "Refunds within 14 days", { claim_id: "overlap", output_start_offset: 8 }),
        // Redacted by the leakage check.
        item("Shipping takes 9 days", "[redacted]"),
        // Past the end of the output.
        item("Support answers in 2 hours", "Support answers in 4 hours", { output_end_offset: OUTPUT.length + 5 }),
        item("Shipping takes 9 days", null, { claim_id: "no-repair" }),
      ]),
    );
    expect(result).toEqual({ text: OUTPUT.replace("60 days", "30 days"), claimIds: ["claim_0"] });
    expect(repairedOutput(OUTPUT, report([item("Shipping takes 9 days", null)]))).toBeNull();
    expect(repairedOutput(OUTPUT, report([]))).toBeNull();
  });
});
