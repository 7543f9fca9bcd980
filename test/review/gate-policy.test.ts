import { describe, expect, it } from "vitest";
import { FINDINGS, GATE_POLICY_TABLE, decideGate, type FindingInstance } from "../../src/review/gate-policy.ts";

const USES = ["internal_draft", "customer_facing", "eval_only", "regulated_workflow", "action_taking"] as const;

function finding(name: FindingInstance["finding"], claimId: string | null = "c1"): FindingInstance {
  return { finding: name, reasonCode: name === "all_supported" ? "unsupported" : (name as FindingInstance["reasonCode"]), message: name, claimId };
}

describe("gate policy table", () => {
  it("covers every intended_use × strictness × finding", () => {
    for (const use of USES) {
      for (const strictness of ["advisory", "standard", "strict"] as const) {
        expect(Object.keys(GATE_POLICY_TABLE[use][strictness]).sort()).toEqual([...FINDINGS].sort());
      }
    }
  });

  it("matches BASELINE, the standard-strictness table (src/review/gate-policy.ts)", () => {
    const column = (use: (typeof USES)[number]) => FINDINGS.map((f) => GATE_POLICY_TABLE[use].standard[f]);
    expect(column("internal_draft")).toEqual([
      "verified_for_use", "verified_with_limits", "verified_with_limits", "needs_review", "needs_review", "needs_review", "needs_review", "needs_repair",
    ]);
    expect(column("customer_facing")).toEqual([
      "verified_for_use", "needs_review", "verified_with_limits", "needs_review", "needs_review", "needs_repair", "needs_repair", "needs_repair",
    ]);
    expect(column("eval_only")).toEqual(column("customer_facing"));
    expect(column("regulated_workflow")).toEqual([
      "verified_for_use", "needs_review", "needs_review", "needs_review", "needs_review", "needs_repair", "blocked", "blocked",
    ]);
    expect(column("action_taking")).toEqual(column("regulated_workflow"));
  });

  it("moves strict one step worse below verified_for_use and caps advisory at needs_review", () => {
    expect(GATE_POLICY_TABLE.customer_facing.strict.all_supported).toBe("verified_for_use");
    expect(GATE_POLICY_TABLE.customer_facing.strict.partially_supported).toBe("needs_review");
    expect(GATE_POLICY_TABLE.customer_facing.strict.contradicted).toBe("blocked");
    expect(GATE_POLICY_TABLE.regulated_workflow.strict.contradicted).toBe("blocked");
    expect(GATE_POLICY_TABLE.regulated_workflow.advisory.contradicted).toBe("needs_review");
    expect(GATE_POLICY_TABLE.internal_draft.advisory.partially_supported).toBe("verified_with_limits");
  });
});

describe("decideGate", () => {
  it("takes the worst finding and lists the findings that moved it, worst first", () => {
    const decision = decideGate(
      [finding("partially_supported", "c1"), finding("contradicted", "c2"), finding("all_supported", "c3")],
      "customer_facing",
      "standard",
    );
    expect(decision.safeUseStatus).toBe("needs_repair");
    expect(decision.reasons.map((r) => r.claimId)).toEqual(["c2", "c1"]);
  });

  it("allows a run whose claims are all supported", () => {
    expect(decideGate([], "action_taking", "strict")).toEqual({ safeUseStatus: "verified_for_use", reasons: [] });
  });
});
