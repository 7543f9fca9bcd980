import type { GateReasonCode, IntendedUse, SafeUseStatus, Strictness } from "../schemas/enums.ts";

// The gate policy (docs/engine.md, "Gate policy") as data. The baseline (strictness "standard") is
// written out per intended use; "strict" and "advisory" are declared
// transformations of it; the full intended_use × strictness × finding table is
// materialized once so it can be read, tested and diffed as a whole.

export const GATE_POLICY_VERSION = "gate-policy.2026-11-22.v1";

export type Finding =
  | "all_supported"
  | "no_checkable_claims"
  | "partially_supported"
  | "insufficient_context"
  | "not_checked"
  | "citation_issue"
  | "unsupported"
  | "contradicted";

export const FINDINGS: ReadonlyArray<Finding> = [
  "all_supported",
  "no_checkable_claims",
  "partially_supported",
  "insufficient_context",
  "not_checked",
  "citation_issue",
  "unsupported",
  "contradicted",
];

const INTENDED_USE_VALUES: ReadonlyArray<IntendedUse> = [
  "internal_draft",
  "customer_facing",
  "regulated_workflow",
  "action_taking",
  "eval_only",
];
const STRICTNESS_VALUES: ReadonlyArray<Strictness> = ["advisory", "standard", "strict"];

// Worst last: the order used to combine findings and to shift a step.
export const SAFE_USE_ORDER: ReadonlyArray<SafeUseStatus> = [
  "verified_for_use",
  "verified_with_limits",
  "needs_review",
  "needs_repair",
  "blocked",
];

type Row = Readonly<Record<IntendedUse, SafeUseStatus>>;

function row(internalDraft: SafeUseStatus, customerFacing: SafeUseStatus, regulated: SafeUseStatus): Row {
  return {
    internal_draft: internalDraft,
    customer_facing: customerFacing,
    eval_only: customerFacing,
    regulated_workflow: regulated,
    action_taking: regulated,
  };
}

export const BASELINE: Readonly<Record<Finding, Row>> = {
  all_supported: row("verified_for_use", "verified_for_use", "verified_for_use"),
  no_checkable_claims: row("verified_with_limits", "needs_review", "needs_review"),
  partially_supported: row("verified_with_limits", "verified_with_limits", "needs_review"),
  insufficient_context: row("needs_review", "needs_review", "needs_review"),
  not_checked: row("needs_review", "needs_review", "needs_review"),
  citation_issue: row("needs_review", "needs_repair", "needs_repair"),
  unsupported: row("needs_review", "needs_repair", "blocked"),
  contradicted: row("needs_repair", "needs_repair", "blocked"),
};

export const STRICTNESS_RULES: Readonly<Record<Strictness, { shiftBelowVerified: number; cap: SafeUseStatus | null }>> = {
  standard: { shiftBelowVerified: 0, cap: null },
  strict: { shiftBelowVerified: 1, cap: null },
  advisory: { shiftBelowVerified: 0, cap: "needs_review" },
};

function applyStrictness(status: SafeUseStatus, strictness: Strictness): SafeUseStatus {
  const rule = STRICTNESS_RULES[strictness];
  let position = SAFE_USE_ORDER.indexOf(status);
  if (position > 0) position = Math.min(SAFE_USE_ORDER.length - 1, position + rule.shiftBelowVerified);
  if (rule.cap !== null) position = Math.min(position, SAFE_USE_ORDER.indexOf(rule.cap));
  return SAFE_USE_ORDER[position] as SafeUseStatus;
}

export type PolicyTable = Readonly<Record<IntendedUse, Readonly<Record<Strictness, Readonly<Record<Finding, SafeUseStatus>>>>>>;

function materialize(): PolicyTable {
  const table = {} as Record<IntendedUse, Record<Strictness, Record<Finding, SafeUseStatus>>>;
  for (const use of INTENDED_USE_VALUES) {
    table[use] = {} as Record<Strictness, Record<Finding, SafeUseStatus>>;
    for (const strictness of STRICTNESS_VALUES) {
      const outcomes = {} as Record<Finding, SafeUseStatus>;
      for (const finding of FINDINGS) outcomes[finding] = applyStrictness(BASELINE[finding][use], strictness);
      table[use][strictness] = outcomes;
    }
  }
  return table;
}

export const GATE_POLICY_TABLE: PolicyTable = materialize();

export interface FindingInstance {
  finding: Finding;
  reasonCode: GateReasonCode;
  message: string;
  claimId: string | null;
}

export interface GateDecision {
  safeUseStatus: SafeUseStatus;
  // The findings that kept the outcome below verified_for_use, worst first.
  reasons: FindingInstance[];
}

export function decideGate(findings: ReadonlyArray<FindingInstance>, intendedUse: IntendedUse, strictness: Strictness): GateDecision {
  const outcomes = GATE_POLICY_TABLE[intendedUse][strictness];
  let worst = outcomes.all_supported;
  const moving: Array<{ instance: FindingInstance; rank: number; order: number }> = [];
  findings.forEach((instance, order) => {
    const outcome = outcomes[instance.finding];
    const rank = SAFE_USE_ORDER.indexOf(outcome);
    if (rank > SAFE_USE_ORDER.indexOf(worst)) worst = outcome;
    if (rank > 0) moving.push({ instance, rank, order });
  });
  moving.sort((a, b) => b.rank - a.rank || a.order - b.order);
  return { safeUseStatus: worst, reasons: moving.map((m) => m.instance) };
}

export const VERDICT_FOR_STATUS = {
  verified_for_use: "allow",
  verified_with_limits: "allow_with_limits",
  needs_review: "needs_review",
  needs_repair: "needs_repair",
  blocked: "blocked",
} as const satisfies Record<SafeUseStatus, string>;
