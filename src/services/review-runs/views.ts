import type { Database } from "../../db/client.ts";
import type { ReviewResult } from "../../review/index.ts";
import { loadEnterpriseWorkerDetails } from "../enterprise-worker/store.ts";
import { type RunArtifacts, loadArtifacts } from "./artifacts.ts";
import { type ReviewRunRow, type SourceRecord, assertHosted, sourceViews, sourcesOf, toSummary } from "./store.ts";

export const RECOMMENDED_POLL_INTERVAL_SECONDS = 2;

/** The 202 answer of a create, as QUEUED_EXAMPLE in routes/review-runs/examples.ts shows it. */
export function queuedResponse(row: ReviewRunRow, origin: string, requestId: string) {
  const pollingUrl = `${origin}/v1/review-runs/${row.id}`;
  return {
    review_run: toSummary(row),
    queued: {
      review_run_id: row.id,
      status: row.status,
      polling_url: pollingUrl,
      recommended_poll_interval_seconds: RECOMMENDED_POLL_INTERVAL_SECONDS,
    },
    polling_url: pollingUrl,
    request_id: requestId,
  };
}

type ViewedArtifacts = Pick<RunArtifacts, "source_spans" | "verification_results" | "claim_report">;
type EnterpriseWorkerDetails = Awaited<ReturnType<typeof loadEnterpriseWorkerDetails>>;

/** The full run, as RUN_EXAMPLE in routes/review-runs/examples.ts shows it: the one builder of GET's and the inline create's answer. */
function runView(
  row: ReviewRunRow,
  parts: { sources: SourceRecord[]; artifacts: ViewedArtifacts; enterpriseWorker: EnterpriseWorkerDetails | null },
  requestId: string,
) {
  const hosted = row.captureMethod !== "private_worker";
  return {
    ...toSummary(row),
    ai_output: hosted ? row.aiOutput : null,
    sources: sourceViews(parts.sources),
    source_spans: parts.artifacts.source_spans,
    verification_results: parts.artifacts.verification_results,
    claim_report: parts.artifacts.claim_report,
    private_worker: parts.enterpriseWorker,
    request_id: requestId,
  };
}

const NO_ARTIFACTS: ViewedArtifacts = { source_spans: [], verification_results: [], claim_report: null };

/** The stored run; private-worker runs carry metadata only. */
export async function runResponse(db: Database, bucket: R2Bucket, row: ReviewRunRow, requestId: string) {
  const parts =
    row.captureMethod !== "private_worker"
      ? { sources: sourcesOf(row), artifacts: await loadArtifacts(db, bucket, row), enterpriseWorker: null }
      : { sources: [], artifacts: NO_ARTIFACTS, enterpriseWorker: await loadEnterpriseWorkerDetails(db, row.id) };
  return runView(row, parts, requestId);
}

export async function hostedArtifacts(db: Database, bucket: R2Bucket, row: ReviewRunRow) {
  assertHosted(row);
  return loadArtifacts(db, bucket, row);
}

/** The inline answer, built from what processing has just produced instead of reading it back. */
export function completedRunResponse(row: ReviewRunRow, sources: SourceRecord[], result: ReviewResult, requestId: string) {
  return runView(row, { sources, artifacts: result, enterpriseWorker: null }, requestId);
}
