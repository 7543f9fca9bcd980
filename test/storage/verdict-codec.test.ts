import { describe, expect, it } from "vitest";
import { runReview } from "../../src/review/index.ts";
import type { GateVerdict } from "../../src/schemas/review-artifacts.ts";
import { packGateVerdict, unpackGateVerdict, type VerdictContext } from "../../src/services/review-runs/verdict-codec.ts";

const RUN_ID = "run_7f4f21e2-3d40-48a3-85f0-9f97e5f61b2f";
const STARTED_AT = "2026-11-30T00:00:00.000Z";

function reviewed(aiOutput: string): GateVerdict {
  return runReview({
    review_run_id: RUN_ID,
    ai_output: aiOutput,
    question: null,
    sources: [{ id: `${RUN_ID}_source_1`, title: "Refund policy", content: "Customers may request a refund within 30 days of purchase.", uri: null, citation_label: "source 1", media_type: "text/plain" }],
    intended_use: "customer_facing",
    strictness: "standard",
    gate_mode: "advisory",
    now: STARTED_AT,
  }).gate_verdict;
}

const context = (verdict: GateVerdict): VerdictContext => ({
  id: RUN_ID,
  safeUseStatus: verdict.safe_use_status,
  strictness: "standard",
  intendedUse: "customer_facing",
  startedAt: STARTED_AT,
});

describe("the stored gate verdict", () => {
  it.each([
    ["a contradicted claim", "Customers can request refunds within 60 days."],
    ["only supported claims", "Customers may request a refund within 30 days of purchase."],
    ["no checkable claims", "Hello! How can I help you today?"],
  ])("reads back exactly as the engine gave it, for %s, in far fewer bytes", (_name, output) => {
    const verdict = reviewed(output);
    const stored = packGateVerdict(verdict, context(verdict));
    expect(unpackGateVerdict(stored, context(verdict))).toEqual(verdict);
    expect(stored.length).toBeLessThan(JSON.stringify(verdict).length * 0.7);
    expect(stored).not.toContain(RUN_ID);
  });

  it("keeps any field that differs from the row, so nothing is ever made up", () => {
    const verdict = reviewed("Customers can request refunds within 60 days.");
    const odd: GateVerdict = {
      ...verdict,
      id: "gv_other",
      created_at: "2026-11-30T00:00:05.000Z",
      metadata: { ...verdict.metadata, intended_use: "internal_draft", semantic_judge: { status: "unavailable" } },
      reasons: [...verdict.reasons, { code: "citation_issue", message: "x", claim_id: "@claim_9" }],
    };
    expect(unpackGateVerdict(packGateVerdict(odd, context(verdict)), context(verdict))).toEqual(odd);
    const other = { ...odd, reasons: verdict.reasons, strictness: "strict" as const, review_run_id: "run_other" };
    expect(unpackGateVerdict(packGateVerdict(other, context(verdict)), context(verdict))).toEqual(other);
  });

  it("reads a verdict stored whole (older rows, Enterprise Worker runs) as it is", () => {
    const whole = { verdict: "allow", reasons: [] };
    expect(unpackGateVerdict(JSON.stringify(whole), context(reviewed("Hello.")))).toEqual(whole);
    expect(unpackGateVerdict(null, context(reviewed("Hello.")))).toBeNull();
  });
});
