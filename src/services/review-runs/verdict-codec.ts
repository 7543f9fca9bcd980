import type { GateVerdict } from "../../schemas/review-artifacts.ts";

// `review_runs.gate_verdict` is read by every list page, so it stays in D1;
// but a third of it repeats the run: the run ID four times over, its status,
// strictness, intended use and start time. Packing leaves those out when, and
// only when, they equal what the row already holds, so unpacking restores the
// verdict exactly. Verdicts stored whole (rows written before packing, and
// Enterprise Worker verdicts) have no mark and are read as they are.

const MARK = "~packed";
/** A claim ID that is the run's own `<run_id>_claim_<n>`, kept as `@claim_<n>`. */
const OWN_CLAIM = "@";

/** What the row holds of the run, from which the left-out fields are restored. */
export interface VerdictContext {
  id: string;
  safeUseStatus: string | null;
  strictness: string;
  intendedUse: string;
  startedAt: string | null;
}

export function packGateVerdict(verdict: GateVerdict, run: VerdictContext): string {
  const claimPrefix = `${run.id}_`;
  if (verdict.reasons.some((reason) => reason.claim_id?.startsWith(OWN_CLAIM))) return JSON.stringify(verdict);
  const { id, review_run_id, safe_use_status, strictness, created_at, reasons, metadata, ...rest } = verdict;
  const { intended_use, ...otherMetadata } = metadata;
  const packed: Record<string, unknown> = { [MARK]: 1, ...rest };
  if (id !== `${run.id}_gate_verdict`) packed.id = id;
  if (review_run_id !== run.id) packed.review_run_id = review_run_id;
  if (safe_use_status !== run.safeUseStatus) packed.safe_use_status = safe_use_status;
  if (strictness !== run.strictness) packed.strictness = strictness;
  if (created_at !== run.startedAt) packed.created_at = created_at;
  packed.metadata = intended_use === run.intendedUse ? otherMetadata : metadata;
  packed.reasons = reasons.map((reason) =>
    reason.claim_id?.startsWith(claimPrefix) ? { ...reason, claim_id: `${OWN_CLAIM}${reason.claim_id.slice(claimPrefix.length)}` } : reason,
  );
  return JSON.stringify(packed);
}

export function unpackGateVerdict(stored: string | null, run: VerdictContext): GateVerdict | null {
  if (stored === null) return null;
  const packed = JSON.parse(stored) as Record<string, unknown>;
  if (!(MARK in packed)) return packed as unknown as GateVerdict;
  const { [MARK]: _mark, id, review_run_id, verdict, safe_use_status, reasons, strictness, mode, metadata, created_at, ...rest } = packed;
  return {
    id: id ?? `${run.id}_gate_verdict`,
    review_run_id: review_run_id ?? run.id,
    verdict,
    safe_use_status: safe_use_status ?? run.safeUseStatus,
    reasons: (reasons as GateVerdict["reasons"]).map((reason) =>
      reason.claim_id?.startsWith(OWN_CLAIM) ? { ...reason, claim_id: `${run.id}_${reason.claim_id.slice(OWN_CLAIM.length)}` } : reason,
    ),
    strictness: strictness ?? run.strictness,
    mode,
    metadata: { intended_use: run.intendedUse, ...(metadata as object) },
    created_at: created_at ?? run.startedAt,
    ...rest,
  } as GateVerdict;
}
