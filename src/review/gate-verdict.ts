import type { GateMode, GateVerdictValue, SafeUseStatus, Strictness } from "../schemas/enums.ts";
import type { GateVerdict } from "../schemas/review-artifacts.ts";
import { VERDICT_FOR_STATUS } from "./gate-policy.ts";

// The gate verdict record, built one way whoever decided it: the engine from
// its findings (index.ts), or an Enterprise Worker that reports only its
// verdict (services/enterprise-worker/events.ts).

/** The verdict and the use status map one to one (VERDICT_FOR_STATUS), so either names the other. */
export const SAFE_USE_FOR_VERDICT = Object.fromEntries(
  Object.entries(VERDICT_FOR_STATUS).map(([status, verdict]) => [verdict, status]),
) as Record<GateVerdictValue, SafeUseStatus>;

export interface GateVerdictFacts {
  reviewRunId: string;
  safeUseStatus: SafeUseStatus;
  reasons: GateVerdict["reasons"];
  strictness: Strictness;
  mode: GateMode;
  metadata: GateVerdict["metadata"];
  createdAt: string;
}

export function gateVerdictOf(facts: GateVerdictFacts): GateVerdict {
  return {
    id: `${facts.reviewRunId}_gate_verdict`,
    review_run_id: facts.reviewRunId,
    verdict: VERDICT_FOR_STATUS[facts.safeUseStatus],
    safe_use_status: facts.safeUseStatus,
    reasons: facts.reasons,
    strictness: facts.strictness,
    mode: facts.mode,
    metadata: facts.metadata,
    created_at: facts.createdAt,
  };
}
